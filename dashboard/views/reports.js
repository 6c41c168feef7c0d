import { api } from '../api.js';
import { html, money, render } from '../html.js';

const day = (date) => date.toISOString().slice(0, 10);

/** chart.js, served by the dashboard's own origin, loaded the first time a chart is drawn. */
let chartLibrary;
const loadChart = () =>
  (chartLibrary ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'vendor/chart.umd.min.js';
    script.onload = () => resolve(globalThis.Chart);
    script.onerror = () => reject(new Error('The chart library could not be loaded.'));
    document.head.append(script);
  }));

/** Reports: a date range, counts and revenue per status, and orders and revenue per day. */
export const reportsView = async (main, params, view) => {
  const to = params.get('to') ?? day(new Date());
  const from = params.get('from') ?? day(new Date(Date.parse(to) - 29 * 86_400_000));
  const range = new URLSearchParams({ from, to });
  const [summary, daily, { currency }] = await Promise.all([
    api('GET', `/admin/reports/summary?${range}`),
    api('GET', `/admin/reports/daily?${range}`),
    api('GET', '/admin/settings'),
  ]);
  if (view.stale()) return;
  render(
    main,
    html`<section aria-labelledby="reports-title">
      <h2 id="reports-title">Reports</h2>
      <form id="range" class="toolbar">
        <label for="from">From</label><input id="from" name="from" type="date" value="${from}" required />
        <label for="to">To</label><input id="to" name="to" type="date" value="${to}" required />
        <button type="submit" class="primary">Show</button>
      </form>
      <p>Orders: <strong>${summary.orderCount}</strong> · Revenue: <strong>${money(summary.revenueCents, currency)}</strong> · Pending (offline): <strong>${summary.offlinePendingCount}</strong> · Stuck: <strong>${summary.stuckCount}</strong></p>
      <p><small>Revenue leaves out canceled and incomplete orders.</small></p>
      <div class="chart"><canvas id="daily-chart" role="img" aria-label="Orders and revenue per day from ${from} to ${to}"></canvas></div>
      <table>
        <caption>By status</caption>
        <thead><tr><th scope="col">Status</th><th scope="col">Orders</th><th scope="col">Total</th></tr></thead>
        <tbody>
          ${Object.entries(summary.byStatus).map(
            ([status, totals]) =>
              html`<tr><td>${daily.statusLabels[status] ?? status}</td><td>${totals.count}</td><td>${money(totals.totalCents, currency)}</td></tr>`,
          )}
        </tbody>
      </table>
    </section>`,
  );
  main.querySelector('#range').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    location.hash = `#/reports?${new URLSearchParams({ from: form.get('from'), to: form.get('to') })}`;
  });
  const Chart = await loadChart();
  if (view.stale()) return;
  const canvas = main.querySelector('#daily-chart');
  const chart = new Chart(canvas, {
    data: {
      labels: daily.days.map((d) => d.day),
      datasets: [
        { type: 'bar', label: 'Orders', data: daily.days.map((d) => d.orderCount), yAxisID: 'orders', backgroundColor: '#2f5bd3' },
        {
          type: 'line',
          label: 'Revenue',
          data: daily.days.map((d) => d.revenueCents / 100),
          yAxisID: 'revenue',
          borderColor: '#b3261e',
          backgroundColor: '#b3261e',
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        orders: { type: 'linear', position: 'left', beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Orders' } },
        revenue: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: `Revenue (${currency})` },
        },
      },
    },
  });
  canvas.dataset.days = String(daily.days.length);
  view.onLeave(() => chart.destroy());
};
