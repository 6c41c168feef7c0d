// The back-office dashboard: small ES modules over the admin API (SPEC §5.2), no build step.
// Statuses, labels, actions and who may do what all come from the server; this file routes.
// config.json says where the API is and how staff sign in: `local` (the twin) or `cognito`.
import { configureApi, describeError } from './api.js';
import { html, render } from './html.js';
import { session } from './session.js';
import { loginView } from './views/login.js';
import { orderView } from './views/order.js';
import { productsView } from './views/products.js';
import { queueView } from './views/queue.js';
import { reportsView } from './views/reports.js';
import { settingsView } from './views/settings.js';

const main = document.getElementById('main');

/** One per navigation: a view whose data arrives after a newer navigation does not render; its timers stop. */
const newView = (() => {
  let current = null;
  return () => {
    current?.leave();
    const cleanups = [];
    const view = {
      stale: () => current !== view,
      every: (ms, fn) => {
        const timer = setInterval(() => fn().catch(() => undefined), ms);
        cleanups.push(() => clearInterval(timer));
      },
      after: (ms, fn) => {
        const timer = setTimeout(fn, ms);
        cleanups.push(() => clearTimeout(timer));
      },
      onLeave: (fn) => cleanups.push(fn),
      leave: () => cleanups.splice(0).forEach((fn) => fn()),
    };
    current = view;
    return view;
  };
})();

const pages = {
  '/orders': { title: 'Work queue', show: queueView },
  '/reports': { title: 'Reports', show: reportsView },
  '/settings': { title: 'Settings', show: settingsView },
  '/products': { title: 'Products', show: productsView },
};

const route = async () => {
  const view = newView();
  const nav = document.getElementById('nav');
  const member = await session.member();
  if (!member) {
    nav.hidden = true;
    document.title = 'Sign in · Orders dashboard';
    const signedIn = () => {
      if (location.hash && location.hash !== '#/') route();
      else location.hash = '#/orders';
    };
    return loginView(main, { signedIn });
  }
  nav.hidden = false;
  document.getElementById('who').textContent = `${member.name} (${member.groups.join(', ')})`;
  for (const link of document.querySelectorAll('[data-role="admin"]')) link.hidden = !member.groups.includes('admin');
  const [path, query] = (location.hash.slice(1) || '/orders').split('?');
  const params = new URLSearchParams(query);
  const orderId = path.startsWith('/orders/') ? decodeURIComponent(path.slice('/orders/'.length)) : null;
  const page = pages[path] ?? pages['/orders'];
  document.title = `${orderId ? `Order ${orderId}` : page.title} · Orders dashboard`;
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#${orderId ? '/orders' : path}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  try {
    if (orderId) await orderView(main, orderId, view);
    else await page.show(main, params, view);
  } catch (error) {
    if (!view.stale()) render(main, html`<p class="error" role="alert">${describeError(error)}</p>`);
  }
};

document.getElementById('logout').addEventListener('click', async () => {
  await session.signOut();
  if (!session.hosted) {
    location.hash = '';
    route();
  }
});
// After a navigation, keyboard and screen reader users start at the new page's content.
window.addEventListener('hashchange', () => route().then(() => main.focus({ preventScroll: true })));

const config = await fetch('config.json')
  .then((r) => (r.ok ? r.json() : { apiBase: '', auth: 'local' }))
  .catch(() => ({ apiBase: '', auth: 'local' }));
configureApi(config, route);
session.start(config).then(route, (error) => loginView(main, { message: error.message, signedIn: route }));
