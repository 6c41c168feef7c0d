import { html } from './html.js';

const thisYear = new Date().getFullYear();

/** The card fields; nothing typed here is kept by the page after it is sent. */
export const cardFields = (prefix) =>
  html`<fieldset class="card-fields">
    <legend>Card</legend>
    <label for="${prefix}-number">Card number</label>
    <input id="${prefix}-number" name="number" inputmode="numeric" autocomplete="cc-number" required />
    <div class="row">
      <span><label for="${prefix}-month">Expiry month</label>
        <input id="${prefix}-month" name="expMonth" type="number" min="1" max="12" autocomplete="cc-exp-month" required /></span>
      <span><label for="${prefix}-year">Expiry year</label>
        <input id="${prefix}-year" name="expYear" type="number" min="${thisYear}" max="${thisYear + 20}" autocomplete="cc-exp-year" required /></span>
      <span><label for="${prefix}-cvc">CVC</label>
        <input id="${prefix}-cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required /></span>
    </div>
  </fieldset>`;

/** The `payment` of a request from the card fields of `form`; the holder is the customer's name. */
export const cardPayment = (form, holderName) => {
  const data = new FormData(form);
  return {
    method: 'card',
    card: { number: data.get('number'), expMonth: Number(data.get('expMonth')), expYear: Number(data.get('expYear')), cvc: data.get('cvc'), holderName },
  };
};
