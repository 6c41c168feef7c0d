import { api, describeError } from '../api.js';
import { html, render } from '../html.js';

const productRow = (p) =>
  html`<tr>
    <th scope="row">${p.sku}</th>
    <td><label class="visually-hidden" for="name-${p.sku}">Name of ${p.sku}</label><input id="name-${p.sku}" form="product-${p.sku}" name="name" value="${p.name}" required /></td>
    <td><label class="visually-hidden" for="price-${p.sku}">Price in cents of ${p.sku}</label><input id="price-${p.sku}" form="product-${p.sku}" name="priceCents" type="number" min="0" step="1" value="${p.priceCents}" required /></td>
    <td>${p.kind}</td>
    <td><label class="visually-hidden" for="stock-${p.sku}">Stock of ${p.sku}</label><input id="stock-${p.sku}" form="product-${p.sku}" name="stock" type="number" min="0" step="1" value="${p.stock}" required /></td>
    <td><form id="product-${p.sku}" data-sku="${p.sku}"><button type="submit">Save ${p.sku}</button></form></td>
  </tr>`;

/** Products with their stock (admins): each row saves on its own; a new SKU is added below. */
export const productsView = async (main, _params, view) => {
  const { products } = await api('GET', '/admin/products');
  if (view.stale()) return;
  render(
    main,
    html`<section aria-labelledby="products-title">
      <h2 id="products-title">Products</h2>
      <p class="error" id="products-error" role="alert"></p>
      <p id="products-saved" role="status"></p>
      <table>
        <caption class="visually-hidden">Products and stock</caption>
        <thead><tr><th scope="col">SKU</th><th scope="col">Name</th><th scope="col">Price (cents)</th><th scope="col">Kind</th><th scope="col">Stock</th><th scope="col"><span class="visually-hidden">Save</span></th></tr></thead>
        <tbody>${products.map(productRow)}</tbody>
      </table>
    </section>
    <form class="card" id="new-product" aria-labelledby="new-product-title">
      <h3 id="new-product-title">Add a product</h3>
      <label for="new-sku">SKU</label><input id="new-sku" name="sku" required pattern="[A-Za-z0-9_-]{1,64}" />
      <label for="new-name">Name</label><input id="new-name" name="name" required />
      <label for="new-price">Price (cents)</label><input id="new-price" name="priceCents" type="number" min="0" step="1" required />
      <label for="new-kind">Kind</label><select id="new-kind" name="kind"><option value="standard">standard</option><option value="evaluation">evaluation</option></select>
      <label for="new-stock">Stock</label><input id="new-stock" name="stock" type="number" min="0" step="1" required />
      <button class="primary" type="submit">Add product</button>
    </form>`,
  );
  const report = (error, saved) => {
    main.querySelector('#products-error').textContent = error;
    main.querySelector('#products-saved').textContent = saved;
  };
  const save = async (sku, body) => {
    try {
      await api('PUT', `/admin/products/${encodeURIComponent(sku)}`, body);
      report('', `${sku} saved.`);
      return true;
    } catch (error) {
      report(describeError(error), '');
      return false;
    }
  };
  for (const form of main.querySelectorAll('tbody form')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      save(form.dataset.sku, { name: data.get('name'), priceCents: Number(data.get('priceCents')), stock: Number(data.get('stock')) });
    });
  }
  main.querySelector('#new-product').addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const body = { name: data.get('name'), priceCents: Number(data.get('priceCents')), kind: data.get('kind'), stock: Number(data.get('stock')) };
    if (await save(data.get('sku'), body)) await productsView(main, _params, view);
  });
};
