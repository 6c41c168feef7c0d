import { api, describeError } from '../api.js';
import { fieldInputs, formBody, html, money, render, when } from '../html.js';

const revealShownMs = 60_000;

const address = (a) =>
  a ? html`${a.line1}${a.line2 ? html`<br />${a.line2}` : ''}<br />${a.postalCode} ${a.city}${a.region ? `, ${a.region}` : ''}, ${a.country}` : '—';

const paymentDetails = (order) => {
  const p = order.payment;
  return html`<dl>
    <dt>Status</dt><dd id="payment-status">${p.statusLabel}</dd>
    <dt>Method</dt><dd>${p.method}${p.poNumber ? ` ${p.poNumber}` : ''}</dd>
    ${p.card ? html`<dt>Card</dt><dd>${p.card.brand} ${p.card.bin ?? ''}…${p.card.last4}, expires ${p.card.expMonth}/${p.card.expYear}</dd>` : ''}
    ${p.authorizationCode ? html`<dt>Authorization</dt><dd>${p.authorizationCode}</dd>` : ''}
    ${p.gateway ? html`<dt>Gateway</dt><dd>${p.gateway}${p.transactionId ? `, transaction ${p.transactionId}` : ''}${p.gatewayCode ? `, code ${p.gatewayCode}` : ''}</dd>` : ''}
    ${p.declineReason ? html`<dt>Last decline</dt><dd>${p.declineReason}: ${p.declineMessage}</dd>` : ''}
    ${p.invoiceNumber ? html`<dt>Invoice</dt><dd>${p.invoiceNumber}</dd>` : ''}
    ${order.testMode ? html`<dt>Mode</dt><dd><span class="badge test">Test mode</span></dd>` : ''}
  </dl>`;
};

const flagNames = { sent: 'Sent', invoiced: 'Invoiced', paid: 'Paid', dispatched: 'Dispatched', cancelled: 'Canceled' };

const timeline = (history) =>
  html`<ol class="timeline">
    ${history.map(
      (e) =>
        html`<li class="${e.visibleToCustomer ? 'customer' : 'internal'}">
          <span class="tag">${e.visibleToCustomer ? 'Customer sees this' : 'Internal'}</span>
          <time datetime="${e.at}">${when(e.at)}</time> · <strong>${e.actor}</strong> — ${e.message}
        </li>`,
    )}
  </ol>`;

const actionForm = (action) =>
  html`<form data-action="${action.name}" aria-labelledby="action-${action.name}-title">
    <h4 id="action-${action.name}-title">${action.label}</h4>
    ${fieldInputs(action.fields, `action-${action.name.replace('/', '-')}`)}
    <button class="primary" type="submit">${action.label}</button>
  </form>`;

const revealed = (card) =>
  html`<div class="revealed" role="status">
    <p>${card.number} · ${card.expMonth}/${card.expYear} · ${card.holderName}</p>
    <p>Charge it in the virtual terminal, then approve with the authorization code. This clears in 60 seconds and is never stored.</p>
  </div>`;

/** The order page: everything about one order, and forms for exactly the actions the server allows. */
export const orderView = async (main, id, view, flash = null) => {
  const { order } = await api('GET', `/admin/orders/${encodeURIComponent(id)}`);
  if (view.stale()) return;
  const flags = Object.entries(order.flags)
    .filter(([, on]) => on)
    .map(([name]) => flagNames[name] ?? name);
  render(
    main,
    html`<p><a href="#/orders">← Work queue</a></p>
      <section aria-labelledby="order-title">
        <h2 id="order-title">Order ${order.id} <span class="badge ${order.status}" id="status">${order.statusLabel}</span></h2>
        <p class="notice" id="flash" role="status" tabindex="-1">${flash ?? ''}</p>
        <div class="grid">
          <div><h3>Customer</h3><p>${order.customer.name}<br />${order.customer.email}</p><h4>Billing address</h4><p>${address(order.billingAddress)}</p>
            ${order.shippingAddress ? html`<h4>Shipping address</h4><p>${address(order.shippingAddress)}</p>` : ''}</div>
          <div><h3>Payment</h3>${paymentDetails(order)}</div>
          <div><h3>Flags</h3><p id="flags">${flags.join(', ') || 'None'}</p>
            <h3>Shipments</h3>${order.shipments.length ? html`<ul>${order.shipments.map((s) => html`<li>${when(s.shippedAt)}: ${s.carrier} ${s.trackingNumber}</li>`)}</ul>` : html`<p>None yet.</p>`}</div>
        </div>
        <table>
          <caption>Items</caption>
          <thead><tr><th scope="col">SKU</th><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col">Total</th></tr></thead>
          <tbody>${order.items.map((i) => html`<tr><td>${i.sku}</td><td>${i.name}</td><td>${i.quantity}</td><td>${money(i.unitPriceCents, order.currency)}</td><td>${money(i.lineTotalCents, order.currency)}</td></tr>`)}</tbody>
        </table>
        <p>Subtotal ${money(order.totals.subtotalCents, order.currency)} · Shipping ${money(order.totals.shippingCents, order.currency)} · Tax ${money(order.totals.taxCents, order.currency)} · <strong>Total ${money(order.totals.totalCents, order.currency)}</strong></p>
      </section>
      <section class="actions" aria-labelledby="actions-title">
        <h3 id="actions-title">Actions</h3>
        <div id="revealed"></div>
        <p class="error" id="action-error" role="alert" tabindex="-1"></p>
        ${order.allowedActions.length ? order.allowedActions.map(actionForm) : html`<p>Nothing to do.</p>`}
      </section>
      <section aria-labelledby="timeline-title"><h3 id="timeline-title">Timeline</h3>${timeline(order.history)}</section>`,
  );

  for (const form of main.querySelectorAll('.actions form')) {
    const action = order.allowedActions.find((a) => a.name === form.dataset.action);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const error = main.querySelector('#action-error');
      try {
        const answer = await api(action.method, action.path, formBody(form, action.fields), { 'If-Match': String(order.version) });
        if (action.answers === 'card') {
          // The reveal is on the timeline now: show the order as it is, then the card, briefly.
          await orderView(main, order.id, view);
          const target = main.querySelector('#revealed');
          render(target, revealed(answer.card));
          view.after(revealShownMs, () => render(target, ''));
          return;
        }
        await orderView(main, order.id, view, `${action.label}: done.`);
        main.querySelector('#flash').focus();
      } catch (failure) {
        if (failure.status === 412) {
          // Someone (or the system) changed the order meanwhile: show it as it is now.
          await orderView(main, order.id, view, 'The order changed while you were looking at it; check it and submit again.');
        } else {
          error.textContent = describeError(failure);
          error.focus();
        }
      }
    });
  }
};
