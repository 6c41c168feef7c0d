import { api, describeError } from '../api.js';
import { html, money, render, when } from '../html.js';

const pageSize = 25;
const bannerRefreshMs = 15_000;

const orderLink = (id) => `#/orders/${encodeURIComponent(id)}`;

const row = (order, extra = '') =>
  html`<tr>
    <td><a href="${orderLink(order.id)}">${order.id}</a></td>
    <td>${when(order.createdAt)}</td>
    <td>${order.customer.name}<br /><small>${order.customer.email}</small></td>
    <td>${money(order.totals.totalCents, order.currency)}</td>
    <td><span class="badge ${order.status}">${order.statusLabel}</span></td>
    <td>${order.payment.statusLabel}${extra}</td>
  </tr>`;

const table = (caption, rows) =>
  html`<table>
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col">Order</th><th scope="col">Created</th><th scope="col">Customer</th><th scope="col">Total</th><th scope="col">Status</th><th scope="col">Payment</th></tr></thead>
    <tbody id="orders">${rows.length ? rows : html`<tr><td colspan="6">No orders.</td></tr>`}</tbody>
  </table>`;

const banner = (stuck) =>
  stuck.length
    ? html`<div class="banner" role="status">
        <strong>${stuck.length} ${stuck.length === 1 ? 'order is' : 'orders are'} stuck in Order Placed</strong> — the fulfillment hand-off failed:
        <ul>
          ${stuck.map(
            (s) =>
              html`<li><a href="${orderLink(s.order.id)}">${s.order.id}</a>: ${s.minutesStuck} min stuck, ${s.attempts} hand-off attempts, last error: ${s.lastError ?? 'none recorded'}</li>`,
          )}
        </ul>
      </div>`
    : '';

/**
 * The work queue: tabs with live counts (the server's order: what needs a person first), the
 * stuck-order banner refreshed on its own, search by email, pages of 25.
 */
export const queueView = async (main, params, view) => {
  const email = params.get('email') ?? '';
  const cursors = (params.get('page') ?? '').split(',').filter(Boolean);
  const queue = await api('GET', '/admin/queue');
  if (view.stale()) return;
  const tab = params.get('tab') ?? (email ? '' : queue.tabs[0].key);
  const link = (next) => `#/orders?${new URLSearchParams(Object.entries({ tab, email, ...next }).filter(([, v]) => v))}`;

  let rows;
  let nextCursor = null;
  if (tab === 'STUCK') {
    rows = queue.stuck.map((s) => row(s.order, html`<br /><small>${s.minutesStuck} min stuck</small>`));
  } else {
    const query = new URLSearchParams({
      limit: String(pageSize),
      ...(tab && tab !== 'ALL' ? { status: tab } : {}),
      ...(email ? { email } : {}),
      ...(cursors.length ? { cursor: cursors.at(-1) } : {}),
    });
    const page = await api('GET', `/admin/orders?${query}`);
    if (view.stale()) return;
    rows = page.orders.map((order) => row(order));
    nextCursor = page.nextCursor;
  }
  const current = queue.tabs.find((t) => t.key === tab);
  render(
    main,
    html`<h2 class="visually-hidden">Work queue</h2>
      <div id="stuck-banner">${banner(queue.stuck)}</div>
      <section aria-label="Orders">
        <nav class="tabs" aria-label="Order statuses">
          ${queue.tabs.map(
            (t) =>
              html`<a href="${link({ tab: t.key, page: '' })}" class="${t.key === tab ? 'active' : ''}" ${t.key === tab ? html`aria-current="page"` : ''}
                >${t.label} <span class="count">${t.count}</span></a
              >`,
          )}
          <a href="${link({ tab: 'ALL', page: '' })}" class="${tab === 'ALL' || !tab ? 'active' : ''}" ${tab === 'ALL' || !tab ? html`aria-current="page"` : ''}>All</a>
        </nav>
        <div class="toolbar">
          <form id="search" role="search">
            <label for="email-search">Customer email</label>
            <input id="email-search" name="email" type="search" value="${email}" />
            <button type="submit">Search</button>
          </form>
          <button type="button" id="check-now">Check now</button>
          <span id="monitor-result" role="status"></span>
        </div>
        ${table(current ? current.label : 'All orders', rows)}
        <nav class="pager" aria-label="Pages">
          ${cursors.length ? html`<a href="${link({ page: cursors.slice(0, -1).join(',') })}">Previous page</a>` : ''}
          ${nextCursor ? html`<a href="${link({ page: [...cursors, nextCursor].join(',') })}">Next page</a>` : ''}
        </nav>
      </section>`,
  );
  main.querySelector('#search').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = new FormData(event.target).get('email').trim();
    location.hash = `#/orders?${new URLSearchParams(value ? { tab: 'ALL', email: value } : {})}`;
  });
  main.querySelector('#check-now').addEventListener('click', async () => {
    const result = main.querySelector('#monitor-result');
    try {
      const report = await api('POST', '/admin/monitor/run');
      result.textContent = `Checked: ${report.stuck.length} stuck, ${report.pagedNow} paged now.`;
      await refreshBanner();
    } catch (error) {
      result.textContent = describeError(error);
    }
  });
  const refreshBanner = async () => {
    const latest = await api('GET', '/admin/queue');
    if (view.stale()) return;
    render(main.querySelector('#stuck-banner'), banner(latest.stuck));
    for (const t of latest.tabs) {
      const count = main.querySelector(`.tabs a[href="${link({ tab: t.key, page: '' })}"] .count`);
      if (count) count.textContent = String(t.count);
    }
  };
  view.every(bannerRefreshMs, refreshBanner);
};
