// One order, opened from an email: the pay page of a pay link (`pay?order=…&token=…`) or the
// tracking view (`track?…`). Whether the order can still be paid, and how, is the server's call
// (`order.payLink`); the page shows it and offers nothing else.
import { call, orderPath, problem } from './api.js';
import { cardFields, cardPayment } from './card.js';
import { html, render } from './html.js';
import { showTracking } from './tracking.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);
const id = params.get('order') ?? '';
const token = params.get('token') ?? '';

const payForm = (order) =>
  html`<section class="declined" aria-labelledby="pay-title">
    <h2 id="pay-title">Pay for order ${order.id}</h2>
    ${order.payment.declineMessage ? html`<p id="decline-message">The last payment did not go through: ${order.payment.declineMessage}</p>` : ''}
    <p>You can pay until ${new Date(order.payLink.expiresAt).toLocaleDateString('en-US', { dateStyle: 'long' })}.</p>
    <form id="pay-form">
      ${cardFields('pay')}
      <button class="primary" type="submit">Pay with this card</button>
    </form>
    ${order.payLink.actions.includes('submit_offline') ? html`<p><button type="button" id="submit-offline">Submit offline</button> <small>We charge the card you entered before by hand.</small></p>` : ''}
    <p class="error" id="pay-error" role="alert" tabindex="-1"></p>
  </section>`;

const show = (order, notice = '') => {
  const payable = document.body.dataset.page === 'pay' && order.payLink?.open;
  render(
    main,
    html`${notice ? html`<p class="notice" id="notice" role="status" tabindex="-1">${notice}</p>` : ''}
      ${document.body.dataset.page === 'pay' && order.payLink && !order.payLink.open ? html`<p class="notice" id="pay-closed" role="status">${order.payLink.message}</p>` : ''}
      ${payable ? payForm(order) : ''}
      <div id="tracking"></div>`,
  );
  showTracking(main.querySelector('#tracking'), order, token);
  if (notice) main.querySelector('#notice').focus();
  if (!payable) return;
  const error = main.querySelector('#pay-error');
  main.querySelector('#pay-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const { status, body } = await call('POST', `${orderPath(order.id)}/payment`, {
      body: { payment: cardPayment(event.target, order.customer.name), onDecline: 'ask' },
      token,
      idempotent: true,
    });
    if (status === 201) return load('Thank you: your payment went through and the order is placed.');
    error.textContent = status === 402 ? body.error.declineMessage : problem(body);
    error.focus();
  });
  main.querySelector('#submit-offline')?.addEventListener('click', async () => {
    const { status, body } = await call('POST', `${orderPath(order.id)}/offline`, { token });
    if (status === 200) return load('Order received: we will process the payment offline.');
    error.textContent = problem(body);
    error.focus();
  });
};

const load = async (notice) => {
  const { status, body } = await call('GET', orderPath(id), { token });
  if (status !== 200) return render(main, html`<p class="error" role="alert">We could not find this order. Check the link in your email.</p>`);
  show(body.order, notice);
};

load();
