// The back-office dashboard: a small single-page app over the admin API (SPEC §5.2).
// config.json says where the API is and how staff sign in: `local` (the twin's /auth/login)
// or `cognito` (managed login, see oauth.js).
import { authorizeUrl, codeChallenge, logoutUrl, randomToken, tokenRequest } from './oauth.js';

const statuses = [
  ['', 'All'],
  ['OFFLINE_PENDING', 'Pending (offline)'],
  ['ORDER_PLACED', 'Order Placed'],
  ['AWAITING_PAYMENT', 'Awaiting Payment'],
  ['AWAITING_EVALUATION', 'Awaiting Evaluation'],
  ['AWAITING_CUSTOMER_APPROVAL', 'Awaiting Customer Approval'],
  ['IN_PROCESS', 'In Process'],
  ['SHIPPED', 'Shipped'],
  ['COMPLETED', 'Completed'],
  ['INCOMPLETE', 'Incomplete'],
  ['CANCELLED', 'Canceled'],
];
const paymentLabels = {
  NONE: 'None', AUTHORIZED: 'Authorized', DECLINED: 'Declined', OFFLINE: 'Offline', APPROVED_MANUAL: 'Approved (M)',
  CAPTURED: 'Captured', INVOICED: 'Invoiced', PAID: 'Paid', VOIDED: 'Voided',
};

/** Which actions a status offers, with their fields (name, label, type). */
const actionsByStatus = {
  OFFLINE_PENDING: ['approve', 'cancel'],
  ORDER_PLACED: ['fulfillment-retry', 'fulfillment-manual', 'cancel'],
  AWAITING_PAYMENT: ['ship', 'invoice', 'mark-paid', 'cancel'],
  AWAITING_EVALUATION: ['quote', 'cancel'],
  AWAITING_CUSTOMER_APPROVAL: ['cancel'],
  IN_PROCESS: ['ship', 'cancel'],
  SHIPPED: ['complete', 'cancel'],
  INCOMPLETE: ['cancel'],
  COMPLETED: [],
  CANCELLED: [],
};
const actionForms = {
  approve: { label: 'Approve (M)', fields: [['authorizationCode', 'Authorization code', 'text', true], ['note', 'Note', 'text']] },
  ship: { label: 'Ship', fields: [['carrier', 'Carrier', 'text', true], ['trackingNumber', 'Tracking number', 'text', true], ['notifyCustomer', 'Email customer', 'checkbox', false, true]] },
  complete: { label: 'Complete', fields: [] },
  invoice: { label: 'Invoice', fields: [['invoiceNumber', 'Invoice number', 'text', true]] },
  'mark-paid': { label: 'Mark paid', fields: [['reference', 'Payment reference', 'text', true]] },
  cancel: { label: 'Cancel', fields: [['reason', 'Reason', 'text', true], ['notifyCustomer', 'Email customer', 'checkbox', false, true]] },
  quote: { label: 'Send quote', fields: [['amountCents', 'Amount (cents)', 'number', true], ['description', 'Description', 'text', true]] },
  'fulfillment-retry': { label: 'Retry hand-off', fields: [] },
  'fulfillment-manual': { label: 'Entered manually', fields: [['externalRef', 'External reference', 'text', true]] },
  notes: { label: 'Add note', fields: [['message', 'Note', 'text', true], ['visibleToCustomer', 'Visible to customer', 'checkbox'], ['notifyCustomer', 'Email customer', 'checkbox']] },
};

const main = document.getElementById('main');
const escapeHtml = (value) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const money = (cents, currency = 'USD') => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format((cents ?? 0) / 100);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

let config = { apiBase: '' };
const session = {
  get token() { return sessionStorage.getItem('token'); },
  get user() { return JSON.parse(sessionStorage.getItem('user') ?? 'null'); },
  save(token) {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : String(claims['cognito:groups'] ?? '').split(',');
    sessionStorage.setItem('token', token);
    sessionStorage.setItem('user', JSON.stringify({ name: claims['cognito:username'], groups }));
  },
  clear() { sessionStorage.clear(); },
};
const isAdmin = () => session.user?.groups.includes('admin');

/** Cognito managed login. The page's address without query or fragment is the callback and sign-out URL the app client allows. */
const hostedSignIn = {
  get returnUrl() {
    return new URL('.', location.href).href;
  },
  /** Off to managed login; the view the user was on (say `#/orders/…` from an email) comes back after. */
  async start() {
    const pending = { verifier: randomToken(), state: randomToken(16), hash: location.hash };
    sessionStorage.setItem('signIn', JSON.stringify(pending));
    location.assign(authorizeUrl(config.cognito, { redirectUri: this.returnUrl, state: pending.state, challenge: await codeChallenge(pending.verifier) }));
  },
  /** Back from managed login with `?code=&state=` (or `?error=`): trade the code for tokens. */
  async finish() {
    const params = new URLSearchParams(location.search);
    if (config.auth !== 'cognito' || !(params.has('code') || params.has('error'))) return;
    const pending = JSON.parse(sessionStorage.getItem('signIn') ?? 'null');
    sessionStorage.removeItem('signIn');
    // The code leaves the address bar (and the history) before anything else happens.
    history.replaceState(null, '', this.returnUrl + (pending?.hash ?? ''));
    if (params.has('error')) throw new Error(params.get('error_description') || params.get('error'));
    if (!pending || params.get('state') !== pending.state) throw new Error('This sign-in was not started here; sign in again.');
    const { url, init } = tokenRequest(config.cognito, { code: params.get('code'), verifier: pending.verifier, redirectUri: this.returnUrl });
    const response = await fetch(url, init);
    const tokens = await response.json().catch(() => null);
    if (!response.ok || !tokens?.id_token) throw new Error(`Sign-in failed (${tokens?.error ?? `HTTP ${response.status}`}); sign in again.`);
    // The admin API takes the ID token: it names the user and groups, with this client as audience.
    session.save(tokens.id_token);
  },
  signOut() {
    location.assign(logoutUrl(config.cognito, this.returnUrl));
  },
};

const toast = (message) => {
  const element = document.getElementById('toast');
  element.textContent = message;
  element.classList.add('show');
  setTimeout(() => element.classList.remove('show'), 3000);
};

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const api = async (method, path, body, headers = {}) => {
  const response = await fetch(`${config.apiBase}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(session.token ? { authorization: `Bearer ${session.token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  if (response.status === 401 && path !== '/auth/login') {
    session.clear();
    route();
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
};

const describeError = (error) => {
  const details = error.body?.error?.details?.map((d) => `${d.path}: ${d.message}`).join('; ');
  return details ? `${error.message} (${details})` : error.message;
};

// ---- views ----

/** Each navigation gets a number; a view whose data arrives after a newer navigation does not render. */
let navigation = 0;
const stale = (seq) => seq !== navigation;

const loginView = (message = '') => {
  if (config.auth === 'cognito') {
    main.innerHTML = `
      <div class="card login">
        <h2>Sign in</h2>
        <p>With your staff account and authenticator app.</p>
        <button class="primary" type="button" id="sign-in">Sign in</button>
        <p class="error">${escapeHtml(message)}</p>
      </div>`;
    document.getElementById('sign-in').addEventListener('click', () => hostedSignIn.start());
    return;
  }
  main.innerHTML = `
    <form class="card login" id="login">
      <h2>Sign in</h2>
      <label>Username <input name="username" autocomplete="username" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button class="primary" type="submit">Sign in</button>
      <p class="error" id="login-error"></p>
    </form>`;
  document.getElementById('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const { token } = await api('POST', '/auth/login', { username: form.get('username'), password: form.get('password') });
      session.save(token);
      if (location.hash === '#/orders') route();
      else location.hash = '#/orders';
    } catch (error) {
      document.getElementById('login-error').textContent = describeError(error);
    }
  });
};

const ordersView = async (params, seq) => {
  const status = params.get('status') ?? '';
  const email = params.get('email') ?? '';
  main.innerHTML = `
    <section>
      <div class="filters" id="filters">
        ${statuses.map(([value, label]) => `<button type="button" data-status="${value}" class="${value === status ? 'active' : ''}">${label}</button>`).join('')}
        <form id="search"><input name="email" type="search" placeholder="Customer email" value="${escapeHtml(email)}" /></form>
        <button type="button" id="monitor">Check stuck orders</button>
      </div>
      <div id="stuck"></div>
      <table>
        <thead><tr><th>Order</th><th>Created</th><th>Customer</th><th>Total</th><th>Status</th><th>Payment</th></tr></thead>
        <tbody id="orders"></tbody>
      </table>
      <button type="button" id="more" hidden>Load more</button>
    </section>`;
  const navigate = (next) => {
    const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v));
    location.hash = `#/orders?${query}`;
  };
  document.querySelectorAll('#filters [data-status]').forEach((b) => b.addEventListener('click', () => navigate({ status: b.dataset.status, email })));
  document.getElementById('search').addEventListener('submit', (event) => {
    event.preventDefault();
    navigate({ status, email: new FormData(event.target).get('email') });
  });
  document.getElementById('monitor').addEventListener('click', async () => {
    const result = await api('POST', '/admin/monitor/run');
    document.getElementById('stuck').innerHTML = result.stuck.length
      ? `<p class="card">Stuck in Order Placed: ${result.stuck.map((s) => `<a href="#/orders/${encodeURIComponent(s.orderId)}">${escapeHtml(s.orderId)}</a> since ${when(s.since)}`).join(', ')} — paged now: ${result.pagedNow}</p>`
      : '<p class="card">No stuck orders.</p>';
  });
  let cursor = null;
  const load = async () => {
    const query = new URLSearchParams({ limit: '25', ...(status ? { status } : {}), ...(email ? { email } : {}), ...(cursor ? { cursor } : {}) });
    const page = await api('GET', `/admin/orders?${query}`);
    if (stale(seq)) return;
    document.getElementById('orders').insertAdjacentHTML(
      'beforeend',
      page.orders
        .map(
          (o) => `<tr class="order-row" data-id="${escapeHtml(o.id)}">
            <td>${escapeHtml(o.id)}</td><td>${when(o.createdAt)}</td><td>${escapeHtml(o.customer.name)}<br><small>${escapeHtml(o.customer.email)}</small></td>
            <td>${money(o.totals.totalCents, o.currency)}</td><td><span class="badge ${o.status}">${escapeHtml(o.statusLabel)}</span></td>
            <td>${paymentLabels[o.payment.status] ?? o.payment.status}</td></tr>`,
        )
        .join('') || (cursor ? '' : '<tr><td colspan="6">No orders.</td></tr>'),
    );
    document.querySelectorAll('tr.order-row').forEach((row) => (row.onclick = () => (location.hash = `#/orders/${encodeURIComponent(row.dataset.id)}`)));
    cursor = page.nextCursor;
    document.getElementById('more').hidden = !cursor;
  };
  document.getElementById('more').addEventListener('click', load);
  await load();
};

const fieldHtml = ([name, label, type, required, checked]) =>
  type === 'checkbox'
    ? `<label><input type="checkbox" name="${name}" ${checked ? 'checked' : ''} /> ${label}</label>`
    : `<input name="${name}" type="${type}" placeholder="${label}" aria-label="${label}" ${required ? 'required' : ''} />`;

const actionForm = (action) => {
  const { label, fields } = actionForms[action];
  return `<form data-action="${action}"><strong>${label}</strong>${fields.map(fieldHtml).join('')}<button class="primary" type="submit">${label}</button></form>`;
};

const formBody = (form, action) => {
  const data = new FormData(form);
  const body = {};
  for (const [name, , type] of actionForms[action].fields) {
    if (type === 'checkbox') body[name] = data.get(name) === 'on';
    else if (type === 'number') body[name] = Number(data.get(name));
    else if (data.get(name)) body[name] = data.get(name);
  }
  return body;
};

const revealedCardHtml = (card) =>
  `<p class="revealed">${escapeHtml(card.number)} · ${card.expMonth}/${card.expYear} · ${escapeHtml(card.holderName)}</p><p>Charge it in the virtual terminal, then approve with the authorization code. This view clears in 60 seconds.</p>`;

/** The order page; `revealed` is a card an admin just revealed, shown until it times out. */
const orderView = async (id, seq = navigation, revealed = null) => {
  const { order } = await api('GET', `/admin/orders/${encodeURIComponent(id)}`);
  if (stale(seq)) return;
  const card = order.payment.card;
  const canReveal = isAdmin() && (order.status === 'OFFLINE_PENDING' || order.status === 'INCOMPLETE');
  main.innerHTML = `
    <p><a href="#/orders">← Orders</a></p>
    <section>
      <h2>${escapeHtml(order.id)} <span class="badge ${order.status}" id="status">${escapeHtml(order.statusLabel)}</span></h2>
      <div class="grid">
        <div><h3>Customer</h3><p>${escapeHtml(order.customer.name)}<br>${escapeHtml(order.customer.email)}</p>
          <p>${escapeHtml(order.billingAddress.line1)}<br>${escapeHtml(order.billingAddress.postalCode)} ${escapeHtml(order.billingAddress.city)}, ${escapeHtml(order.billingAddress.country)}</p></div>
        <div><h3>Payment</h3><p id="payment-status">${paymentLabels[order.payment.status] ?? order.payment.status}</p>
          <p>${card ? `${escapeHtml(card.brand)} ${escapeHtml(card.bin ?? '')}•••${escapeHtml(card.last4)} exp ${card.expMonth}/${card.expYear}` : escapeHtml(order.payment.method)}</p>
          ${order.payment.authorizationCode ? `<p>Authorization ${escapeHtml(order.payment.authorizationCode)}</p>` : ''}
          ${order.payment.declineReason ? `<p>Declined: ${escapeHtml(order.payment.declineReason)}</p>` : ''}
          ${order.payment.poNumber ? `<p>PO ${escapeHtml(order.payment.poNumber)}</p>` : ''}
          ${order.payment.invoiceNumber ? `<p>Invoice ${escapeHtml(order.payment.invoiceNumber)}</p>` : ''}</div>
        <div><h3>Flags</h3><p>${Object.entries(order.flags).filter(([, v]) => v).map(([k]) => k).join(', ') || '—'}</p>
          ${order.shipments.map((s) => `<p>Shipped ${when(s.shippedAt)}: ${escapeHtml(s.carrier)} ${escapeHtml(s.trackingNumber)}</p>`).join('')}</div>
      </div>
      <table><thead><tr><th>SKU</th><th>Item</th><th>Qty</th><th>Price</th><th>Total</th></tr></thead><tbody>
        ${order.items.map((i) => `<tr><td>${escapeHtml(i.sku)}</td><td>${escapeHtml(i.name)}</td><td>${i.quantity}</td><td>${money(i.unitPriceCents, order.currency)}</td><td>${money(i.lineTotalCents, order.currency)}</td></tr>`).join('')}
      </tbody></table>
      <p>Subtotal ${money(order.totals.subtotalCents, order.currency)} · Shipping ${money(order.totals.shippingCents, order.currency)} · Tax ${money(order.totals.taxCents, order.currency)} · <strong>Total ${money(order.totals.totalCents, order.currency)}</strong></p>
    </section>
    ${canReveal ? `<section><h3>Card on file</h3><form id="reveal"><input name="reason" placeholder="Reason for revealing" aria-label="Reason for revealing" required /> <button class="primary" type="submit">Reveal card</button></form><div id="revealed">${revealed ? revealedCardHtml(revealed) : ''}</div></section>` : ''}
    <section class="actions"><h3>Actions</h3>${[...actionsByStatus[order.status], 'notes'].map(actionForm).join('')}<p class="error" id="action-error"></p></section>
    <section><h3>Timeline</h3><ol class="timeline">
      ${order.history.map((e) => `<li class="${e.visibleToCustomer ? '' : 'internal'}">${when(e.at)} · <strong>${escapeHtml(e.type)}</strong> · ${escapeHtml(e.actor)} — ${escapeHtml(e.message)}${e.visibleToCustomer ? ' (customer sees this)' : ''}</li>`).join('')}
    </ol></section>`;

  document.querySelectorAll('.actions form').forEach((form) =>
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const action = form.dataset.action;
      try {
        await api('POST', `/admin/orders/${encodeURIComponent(order.id)}/${action}`, formBody(form, action), { 'If-Match': String(order.version) });
        toast(`${actionForms[action].label}: done`);
        await orderView(order.id);
      } catch (error) {
        if (error.status === 412) {
          // Someone (or the system) changed the order meanwhile: show it as it is now.
          await orderView(order.id);
          document.getElementById('action-error').textContent = 'The order changed while you were looking at it; check it and submit again.';
        } else {
          document.getElementById('action-error').textContent = describeError(error);
        }
      }
    }),
  );
  document.getElementById('reveal')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = new FormData(event.target).get('reason');
    try {
      const { card: full } = await api('POST', `/admin/orders/${encodeURIComponent(order.id)}/card/reveal`, { reason });
      // The reveal is on the timeline now (a new version): show the order as it is, with the card.
      await orderView(order.id, navigation, full);
      setTimeout(() => {
        const target = document.getElementById('revealed');
        if (target) target.innerHTML = '';
      }, 60_000);
    } catch (error) {
      document.getElementById('revealed').textContent = describeError(error);
    }
  });
};

const reportsView = async (seq) => {
  const report = await api('GET', '/admin/reports/summary');
  if (stale(seq)) return;
  main.innerHTML = `
    <section><h2>Summary</h2>
      <p>Orders: <strong>${report.orderCount}</strong> · Revenue: <strong>${money(report.revenueCents)}</strong> · Pending offline: <strong>${report.offlinePendingCount}</strong> · Stuck: <strong>${report.stuckCount}</strong></p>
      <table><thead><tr><th>Status</th><th>Orders</th><th>Total</th></tr></thead><tbody>
        ${Object.entries(report.byStatus).map(([s, v]) => `<tr><td>${escapeHtml(s)}</td><td>${v.count}</td><td>${money(v.totalCents)}</td></tr>`).join('')}
      </tbody></table>
    </section>`;
};

const settingsView = async (seq) => {
  const settings = await api('GET', '/admin/settings');
  if (stale(seq)) return;
  main.innerHTML = `<form class="card" id="settings"><h2>Settings</h2>
    ${Object.entries(settings)
      .map(([key, value]) =>
        typeof value === 'boolean'
          ? `<p><label><input type="checkbox" name="${key}" ${value ? 'checked' : ''} /> ${key}</label></p>`
          : `<p><label>${key} <input name="${key}" value="${escapeHtml(Array.isArray(value) ? value.join(', ') : value)}" /></label></p>`,
      )
      .join('')}
    <button class="primary" type="submit">Save</button><p class="error" id="settings-error"></p></form>`;
  document.getElementById('settings').addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const body = Object.fromEntries(
      Object.entries(settings).map(([key, value]) => [
        key,
        typeof value === 'boolean' ? data.get(key) === 'on' : typeof value === 'number' ? Number(data.get(key)) : Array.isArray(value) ? String(data.get(key)).split(',').map((s) => s.trim()).filter(Boolean) : data.get(key),
      ]),
    );
    try {
      await api('PUT', '/admin/settings', body);
      toast('Settings saved');
    } catch (error) {
      document.getElementById('settings-error').textContent = describeError(error);
    }
  });
};

// ---- routing ----

const route = async () => {
  const seq = ++navigation;
  const nav = document.getElementById('nav');
  if (!session.token) {
    nav.hidden = true;
    return loginView();
  }
  nav.hidden = false;
  document.getElementById('who').textContent = `${session.user.name} (${session.user.groups.join(', ')})`;
  document.querySelectorAll('[data-role="admin"]').forEach((el) => (el.hidden = !isAdmin()));
  const [path, query] = (location.hash.slice(1) || '/orders').split('?');
  const params = new URLSearchParams(query);
  try {
    if (path.startsWith('/orders/')) await orderView(decodeURIComponent(path.slice('/orders/'.length)), seq);
    else if (path === '/reports') await reportsView(seq);
    else if (path === '/settings') await settingsView(seq);
    else await ordersView(params, seq);
  } catch (error) {
    if (!stale(seq)) main.innerHTML = `<p class="error">${escapeHtml(describeError(error))}</p>`;
  }
};

document.getElementById('logout').addEventListener('click', () => {
  session.clear();
  if (config.auth === 'cognito') return hostedSignIn.signOut();
  location.hash = '';
  route();
});
// After a navigation, keyboard and screen reader users start at the new page's content.
window.addEventListener('hashchange', () => route().then(() => main.focus({ preventScroll: true })));
config = await fetch('config.json').then((r) => (r.ok ? r.json() : config)).catch(() => config);
hostedSignIn.finish().then(route, (error) => loginView(error.message));
