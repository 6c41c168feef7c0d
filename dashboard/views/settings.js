import { api, describeError } from '../api.js';
import { html, render } from '../html.js';

const words = (key) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());

const input = (key, value) => {
  const id = `setting-${key}`;
  if (typeof value === 'boolean')
    return html`<p><label class="check" for="${id}"><input type="checkbox" id="${id}" name="${key}" ${value ? html`checked` : ''} /> ${words(key)}</label></p>`;
  if (typeof value === 'number')
    return html`<p><label for="${id}">${words(key)}</label><input id="${id}" name="${key}" type="number" step="1" value="${value}" /></p>`;
  const text = Array.isArray(value) ? value.join(', ') : value;
  return html`<p><label for="${id}">${words(key)}${Array.isArray(value) ? ' (comma-separated)' : ''}</label><input id="${id}" name="${key}" value="${text}" /></p>`;
};

/** Store settings (admins): every setting the server has, with its value; the server checks ranges. */
export const settingsView = async (main, _params, view) => {
  const settings = await api('GET', '/admin/settings');
  if (view.stale()) return;
  render(
    main,
    html`<form class="card" id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      ${Object.entries(settings).map(([key, value]) => input(key, value))}
      <button class="primary" type="submit">Save settings</button>
      <p class="error" id="settings-error" role="alert"></p>
      <p id="settings-saved" role="status"></p>
    </form>`,
  );
  main.querySelector('#settings').addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const body = Object.fromEntries(
      Object.entries(settings).map(([key, value]) => [
        key,
        typeof value === 'boolean'
          ? data.get(key) === 'on'
          : typeof value === 'number'
            ? Number(data.get(key))
            : Array.isArray(value)
              ? String(data.get(key))
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean)
              : data.get(key),
      ]),
    );
    main.querySelector('#settings-error').textContent = '';
    main.querySelector('#settings-saved').textContent = '';
    try {
      await api('PUT', '/admin/settings', body);
      main.querySelector('#settings-saved').textContent = 'Settings saved.';
    } catch (error) {
      main.querySelector('#settings-error').textContent = describeError(error);
    }
  });
};
