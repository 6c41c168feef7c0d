// The demo storefront: catalog, cart, checkout, and what a real store does on a decline.
import { call, orderPath, problem, trackUrl } from './api.js';
import { cardFields, cardPayment } from './card.js';
import { html, money, render } from './html.js';
import { showTracking } from './tracking.js';

const main = document.getElementById('main');

const productRow = (p) =>
  html`<tr>
    <th scope="row">${p.name}${p.kind === 'evaluation' ? html` <small>(free evaluation: we quote after looking at it)</small>` : ''}</th>
    <td>${money(p.priceCents, p.currency)}</td>
    <td>${p.inStock ? 'In stock' : 'Out of stock'}</td>
    <td><label class="visually-hidden" for="qty-${p.sku}">Quantity of ${p.name}</label>
      <input id="qty-${p.sku}" name="qty-${p.sku}" data-sku="${p.sku}" type="number" min="0" max="999" value="0" ${p.inStock ? '' : html`disabled`} /></td>
  </tr>`;

const checkoutForm = (products) =>
  html`<form id="checkout" novalidate>
    <section aria-labelledby="catalog-title">
      <h2 id="catalog-title">Products</h2>
      <table>
        <caption class="visually-hidden">Products, prices and quantities to order</caption>
        <thead><tr><th scope="col">Product</th><th scope="col">Price</th><th scope="col">Availability</th><th scope="col">Quantity</th></tr></thead>
        <tbody>${products.map(productRow)}</tbody>
      </table>
      <p>Cart subtotal: <strong id="subtotal" aria-live="polite">${money(0, products[0]?.currency)}</strong></p>
    </section>
    <section aria-labelledby="customer-title">
      <h2 id="customer-title">Your details</h2>
      <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required />
      <label for="name">Name</label><input id="name" name="name" autocomplete="name" required />
      <label for="line1">Address</label><input id="line1" name="line1" autocomplete="address-line1" required />
      <label for="city">City</label><input id="city" name="city" autocomplete="address-level2" required />
      <label for="region">State or region</label><input id="region" name="region" autocomplete="address-level1" />
      <label for="postalCode">Postal code</label><input id="postalCode" name="postalCode" autocomplete="postal-code" required />
      <label for="country">Country code</label><input id="country" name="country" value="US" maxlength="2" autocomplete="country" required />
    </section>
    <section aria-labelledby="payment-title">
      <h2 id="payment-title">Payment</h2>
      <fieldset>
        <legend>Pay with</legend>
        <label class="check" for="method-card"><input type="radio" id="method-card" name="method" value="card" checked /> Card</label>
        <label class="check" for="method-po"><input type="radio" id="method-po" name="method" value="purchase_order" /> Purchase order</label>
      </fieldset>
      <div id="card-payment">${cardFields('checkout')}</div>
      <div id="po-payment" hidden><label for="poNumber">Purchase order number</label><input id="poNumber" name="poNumber" /></div>
    </section>
    <p class="error" id="checkout-error" role="alert" tabindex="-1"></p>
    <button class="primary" type="submit">Place order</button>
  </form>
  <div id="result"></div>`;

const cart = (form) =>
  [...form.querySelectorAll('input[data-sku]')].map((input) => ({ sku: input.dataset.sku, quantity: Number(input.value) })).filter((line) => line.quantity > 0);

/** The order went through (or was taken offline): its number and the tracking view. */
const placed = (order, token, heading) => {
  render(
    main,
    html`<section aria-labelledby="done-title"><h2 id="done-title" tabindex="-1">${heading}</h2>
      <p>Your order number is <strong>${order.id}</strong>. <a href="${trackUrl(order.id, token)}">Track this order</a> any time.</p></section>
      <div id="tracking"></div>`,
  );
  showTracking(main.querySelector('#tracking'), order, token);
  main.querySelector('#done-title').focus();
};

/** A decline, in the API's words, with what the API says the customer may do next. */
const declined = (answer, holderName) => {
  const { order, trackingToken: token, actions } = answer;
  const target = main.querySelector('#result');
  render(
    target,
    html`<section class="declined" aria-labelledby="declined-title">
      <h2 id="declined-title" tabindex="-1">Payment not completed</h2>
      <p id="decline-message">${answer.error.declineMessage}</p>
      <p>Your order ${order.id} is saved; nothing was charged.</p>
      ${actions.includes('retry_payment') ? html`<button type="button" id="try-another">Try another card</button>` : ''}
      ${
        actions.includes('submit_offline')
          ? html`<button type="button" id="submit-offline">Submit offline</button>
        <p><small>Submit offline: we keep your card details encrypted and charge them by hand shortly.</small></p>`
          : ''
      }
      <div id="retry"></div>
      <p class="error" id="retry-error" role="alert"></p>
    </section>`,
  );
  target.querySelector('#declined-title').focus();
  target.querySelector('#try-another')?.addEventListener('click', () => {
    const retry = target.querySelector('#retry');
    render(retry, html`<form id="retry-form">${cardFields('retry')}<button class="primary" type="submit">Pay with this card</button></form>`);
    retry.querySelector('input').focus();
    retry.querySelector('form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const { status, body } = await call('POST', `${orderPath(order.id)}/payment`, {
        body: { payment: cardPayment(event.target, holderName), onDecline: 'ask' },
        token,
        idempotent: true,
      });
      if (status === 201) placed(body.order, token, 'Thank you for your order');
      else if (status === 402) declined(body, holderName);
      else target.querySelector('#retry-error').textContent = problem(body);
    });
  });
  target.querySelector('#submit-offline')?.addEventListener('click', async () => {
    const { status, body } = await call('POST', `${orderPath(order.id)}/offline`, { token });
    if (status === 200) placed(body.order, token, 'Order received: we will process the payment offline');
    else target.querySelector('#retry-error').textContent = problem(body);
  });
};

const start = async () => {
  const { status, body } = await call('GET', '/products');
  if (status !== 200) return render(main, html`<p class="error" role="alert">${problem(body)}</p>`);
  const products = body.products;
  render(main, checkoutForm(products));
  const form = main.querySelector('#checkout');
  const prices = new Map(products.map((p) => [p.sku, p.priceCents]));
  const subtotal = () => cart(form).reduce((sum, line) => sum + prices.get(line.sku) * line.quantity, 0);
  form.addEventListener('input', () => {
    main.querySelector('#subtotal').textContent = money(subtotal(), products[0]?.currency);
  });
  form.addEventListener('change', () => {
    const byCard = form.elements.method.value === 'card';
    main.querySelector('#card-payment').hidden = !byCard;
    main.querySelector('#po-payment').hidden = byCard;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = main.querySelector('#checkout-error');
    error.textContent = '';
    const data = new FormData(form);
    const items = cart(form);
    if (!items.length) {
      error.textContent = 'Choose at least one product (set its quantity).';
      return error.focus();
    }
    const name = data.get('name');
    // Evaluation items cost nothing yet: such an order needs no payment.
    const payment =
      subtotal() === 0 ? null : data.get('method') === 'card' ? cardPayment(form, name) : { method: 'purchase_order', poNumber: data.get('poNumber') };
    const request = {
      customer: { email: data.get('email'), name },
      billingAddress: {
        line1: data.get('line1'),
        line2: null,
        city: data.get('city'),
        region: data.get('region') || null,
        postalCode: data.get('postalCode'),
        country: data.get('country').toUpperCase(),
      },
      shippingAddress: null,
      items,
      ...(payment ? { payment } : {}),
      onDecline: 'ask',
    };
    const answer = await call('POST', '/checkout', { body: request, idempotent: true });
    if (answer.status === 201) placed(answer.body.order, answer.body.trackingToken, 'Thank you for your order');
    else if (answer.status === 402) declined(answer.body, name);
    else {
      error.textContent = problem(answer.body);
      error.focus();
    }
  });
};

start();
