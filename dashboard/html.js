// Templates that escape by default: every value interpolated into html`…` is text, unless it is
// itself an html`…` fragment (or a list of them). Markup from data is impossible by construction.

class Html {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeText = (value) => String(value).replace(/[&<>"']/g, (c) => entities[c]);

const interpolate = (value) => {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeText(value);
};

export const html = (strings, ...values) => new Html(strings.reduce((out, part, i) => out + part + (i < values.length ? interpolate(values[i]) : ''), ''));

/** Replaces the element's content with the template. */
export const render = (element, template) => {
  element.innerHTML = interpolate(template);
  return element;
};

/** Money in minor units, as the shop's currency. */
export const money = (cents, currency = 'USD') => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format((cents ?? 0) / 100);

export const when = (iso) => (iso ? new Date(iso).toLocaleString('en-US') : '');

/** Reads a form as the JSON body its fields describe: checkboxes as booleans, numbers as numbers, empty text left out. */
export const formBody = (form, fields) => {
  const data = new FormData(form);
  const body = {};
  for (const field of fields) {
    const value = data.get(field.name);
    if (field.type === 'checkbox') body[field.name] = value === 'on';
    else if (value !== null && value !== '') body[field.name] = field.type === 'number' ? Number(value) : value;
  }
  return body;
};

/** One labelled input per field (`{name, label, type, required, checked}`), each with its own id. */
export const fieldInputs = (fields, idPrefix) =>
  fields.map((field) => {
    const id = `${idPrefix}-${field.name}`;
    return field.type === 'checkbox'
      ? html`<label class="check" for="${id}"><input type="checkbox" id="${id}" name="${field.name}" ${field.checked ? html`checked` : ''} /> ${field.label}</label>`
      : html`<label for="${id}">${field.label}${field.required ? '' : html` <small>(optional)</small>`}</label>
          <input id="${id}" name="${field.name}" type="${field.type}" ${field.required ? html`required` : ''} ${field.type === 'number' ? html`step="1" min="0"` : ''} />`;
  });
