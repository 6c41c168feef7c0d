import { call, orderPath } from './api.js';
import { html, money, render, when } from './html.js';

/** The customer's tracking view: status, the notes the store shared, shipments. */
export const trackingView = (order) =>
  html`<section class="tracking" aria-labelledby="tracking-title">
    <h2 id="tracking-title">Order <span id="order-number">${order.id}</span></h2>
    <p>Status: <strong id="order-status">${order.statusLabel}</strong></p>
    <table>
      <caption class="visually-hidden">Items</caption>
      <thead><tr><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Total</th></tr></thead>
      <tbody>${order.items.map((i) => html`<tr><td>${i.name}</td><td>${i.quantity}</td><td>${money(i.lineTotalCents, order.currency)}</td></tr>`)}</tbody>
    </table>
    <p>Total <strong>${money(order.totals.totalCents, order.currency)}</strong></p>
    <h3>Shipments</h3>
    ${
      order.shipments.length
        ? html`<ul id="shipments">${order.shipments.map((s) => html`<li>${s.carrier}, tracking number ${s.trackingNumber} (${when(s.shippedAt)})</li>`)}</ul>`
        : html`<p id="shipments">Not shipped yet.</p>`
    }
    <h3>Updates</h3>
    <ol id="updates">${order.history.map((e) => html`<li><time datetime="${e.at}">${when(e.at)}</time>: ${e.message}</li>`)}</ol>
    <button type="button" id="refresh">Refresh</button>
  </section>`;

/** Shows the tracking view of an order in `target`, with a refresh that reads it again. */
export const showTracking = (target, order, token) => {
  render(target, trackingView(order));
  target.querySelector('#refresh').addEventListener('click', async () => {
    const { status, body } = await call('GET', orderPath(order.id), { token });
    if (status === 200) showTracking(target, body.order, token);
  });
};
