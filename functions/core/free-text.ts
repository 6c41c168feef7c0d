import { luhnValid } from './card.js';

/**
 * Free text from customers (notes, names, addresses, PO numbers) and staff (notes, reasons,
 * quotes) lands in the order, the timeline and emails. A card number typed there by mistake
 * must not be stored (SPEC §5.1, §7.3). Runs of digit groups (single spaces or dashes between
 * groups) are checked: any sequence of whole groups with 12–19 digits that starts 2–6 (the
 * card networks' ranges) and is Luhn-valid counts as a card number.
 */
const digitRuns = /\d+(?:[ -]\d+)*/g;

const holdsCardNumber = (run: string): boolean => {
  const groups = run.split(/[ -]/);
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length && digits.length <= 19; last++) {
      digits += groups[last];
      if (digits.length >= 12 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits)) return true;
    }
  }
  return false;
};

export const containsCardNumber = (text: string): boolean => [...text.matchAll(digitRuns)].some((run) => holdsCardNumber(run[0]));

/** The text with every run of digits that holds a card number masked, for records of user-controlled input. */
export const maskCardNumbers = (text: string): string => text.replace(digitRuns, (run) => (holdsCardNumber(run) ? run.replace(/\d/g, '•') : run));
