import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * One measured figure beside what it is held to: a target (`max`/`min`), or a floor measured in
 * the same run (`max` times the floor). `ratio` is value / target (or value / floor).
 */
export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly kind: 'max' | 'min'; readonly value: number; readonly note?: string };
  /** `informational`: the ratio is printed for comparison, the figure is held to nothing. */
  readonly floor?: { readonly value: number; readonly maxRatio: number; readonly informational?: boolean };
}

export interface SectionResult {
  readonly section: string;
  readonly measuredAt: string;
  readonly figures: readonly Figure[];
  readonly details?: unknown;
}

export const sectionFile = (section: string) => fileURLToPath(new URL(`./results-${section}.json`, import.meta.url));

export const writeSection = (result: Omit<SectionResult, 'measuredAt'>): SectionResult => {
  const full = { ...result, measuredAt: new Date().toISOString() };
  writeFileSync(sectionFile(result.section), `${JSON.stringify(full, null, 2)}\n`);
  return full;
};

export const readSection = (section: string): SectionResult | null => {
  try {
    return JSON.parse(readFileSync(sectionFile(section), 'utf8')) as SectionResult;
  } catch {
    return null;
  }
};

export const ratioOf = (figure: Figure): number | null =>
  figure.floor ? figure.value / figure.floor.value : figure.target && figure.target.value !== 0 ? figure.value / figure.target.value : null;

/** Whether the figure is held to a floor or a target (an informational floor holds it to nothing). */
const heldTo = (figure: Figure): boolean => (figure.floor ? !figure.floor.informational : !!figure.target);

/** Whether the figure meets what it is held to (true when it is held to nothing). */
export const meets = (figure: Figure): boolean => {
  if (!heldTo(figure)) return true;
  if (figure.floor) return figure.value <= figure.floor.value * figure.floor.maxRatio;
  return figure.target!.kind === 'max' ? figure.value <= figure.target!.value : figure.value >= figure.target!.value;
};

const number = (value: number, unit: string) =>
  `${Number.isInteger(value) ? value : value.toFixed(value < 1 ? 3 : value < 10 ? 2 : 1)}${unit ? ` ${unit}` : ''}`;

export const describeBar = (figure: Figure): string => {
  if (figure.floor?.informational) return `beside floor ${number(figure.floor.value, figure.unit)}`;
  if (figure.floor) return `≤ ${figure.floor.maxRatio} × floor ${number(figure.floor.value, figure.unit)}`;
  if (figure.target)
    return `${figure.target.kind === 'max' ? '≤' : '≥'} ${number(figure.target.value, figure.unit)}${figure.target.note ? ` (${figure.target.note})` : ''}`;
  return '';
};

/** One line per figure: value, what it is held to, the ratio, and whether it meets it. */
export const figureRow = (figure: Figure) => {
  const ratio = ratioOf(figure);
  return {
    label: figure.label,
    value: number(figure.value, figure.unit),
    bar: describeBar(figure),
    ratio: ratio === null ? '' : ratio.toFixed(2),
    verdict: heldTo(figure) ? (meets(figure) ? 'ok' : 'MISSED') : '',
  };
};

export const printFigures = (title: string, figures: readonly Figure[]) => {
  console.log(`\n${title}`);
  for (const row of figures.map(figureRow)) {
    console.log(`  ${row.label.padEnd(56)} ${row.value.padStart(14)}   ${row.bar.padEnd(34)} ${row.ratio.padStart(6)}  ${row.verdict}`);
  }
};

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
};
