import { describe, expect, it } from 'vitest';
import { act, auditEventsOf, placeOrder, staffApi } from './admin-helpers.js';
import { api, createProduct, stockOf } from './helpers.js';
import { twinMailIdentity } from './twin-setup.js';

const settingsKeys = [
  'allowOfflineResubmit',
  'csrEmails',
  'currency',
  'customerOfflineNotice',
  'declinesPerCardPerHour',
  'declinesPerIpPerHour',
  'flatShippingCents',
  'fromEmail',
  'offlineHoldMinutes',
  'payLinkDays',
  'payLinkReminderHours',
  'paymentAttemptsPerOrder',
  'storeName',
  'stuckAfterSeconds',
  'taxRateBps',
];

describe('settings (GET/PUT /admin/settings)', () => {
  it('refuses a sender outside the verified mail identity, naming it, and accepts one inside', async () => {
    const before = (await staffApi('admin', 'GET', '/admin/settings')).body;
    const outside = await staffApi('admin', 'PUT', '/admin/settings', { body: { fromEmail: 'orders@unverified.test' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe('validation_failed');
    expect(outside.body.error.message).toContain(twinMailIdentity);
    expect(outside.body.error.details).toEqual([{ path: 'fromEmail', message: expect.stringContaining(twinMailIdentity) }]);
    expect((await staffApi('admin', 'GET', '/admin/settings')).body.fromEmail).toBe(before.fromEmail);

    try {
      const inside = await staffApi('admin', 'PUT', '/admin/settings', { body: { fromEmail: `Sales@${twinMailIdentity.toUpperCase()}` } });
      expect(inside.status).toBe(200);
      expect(inside.body.fromEmail).toBe(`Sales@${twinMailIdentity.toUpperCase()}`);
    } finally {
      await staffApi('admin', 'PUT', '/admin/settings', { body: { fromEmail: before.fromEmail } });
    }
  });

  it('shows every setting and merges a partial update', async () => {
    const before = await staffApi('admin', 'GET', '/admin/settings');
    expect(before.status).toBe(200);
    expect(Object.keys(before.body).sort()).toEqual(settingsKeys);

    const renamed = `Store ${Date.now()}`;
    try {
      const updated = await staffApi('admin', 'PUT', '/admin/settings', { body: { storeName: renamed } });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ ...before.body, storeName: renamed });
      expect((await staffApi('csr', 'GET', '/admin/settings')).body.storeName).toBe(renamed);
    } finally {
      await staffApi('admin', 'PUT', '/admin/settings', { body: { storeName: before.body.storeName } });
    }
  });

  it.each([
    [{ offlineHoldMinutes: 0 }, 'offlineHoldMinutes'],
    [{ offlineHoldMinutes: 1441 }, 'offlineHoldMinutes'],
    [{ stuckAfterSeconds: 604801 }, 'stuckAfterSeconds'],
    [{ taxRateBps: 10001 }, 'taxRateBps'],
    [{ flatShippingCents: -1 }, 'flatShippingCents'],
    [{ csrEmails: [] }, 'csrEmails'],
    [{ csrEmails: Array.from({ length: 21 }, (_, i) => `csr${i}@example.com`) }, 'csrEmails'],
    [{ csrEmails: ['not-an-email'] }, 'csrEmails.0'],
    [{ currency: 'usd' }, 'currency'],
    [{ allowOfflineResubmit: 'yes' }, 'allowOfflineResubmit'],
    [{ storeName: 'X', theme: 'dark' }, ''],
  ])('refuses %j with 400 and changes nothing', async (body, path) => {
    const before = (await staffApi('admin', 'GET', '/admin/settings')).body;
    const response = await staffApi('admin', 'PUT', '/admin/settings', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await staffApi('admin', 'GET', '/admin/settings')).body.storeName).toBe(before.storeName);
  });
});

describe('products (PUT /admin/products/{sku})', () => {
  it('creates a product with every field, then changes only the fields given', async () => {
    const sku = `NEW-${Date.now()}`;
    const created = await staffApi('admin', 'PUT', `/admin/products/${sku}`, { body: { name: 'Lamp shade', priceCents: 1299, kind: 'standard', stock: 4 } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ product: { sku, name: 'Lamp shade', priceCents: 1299, kind: 'standard', stock: 4 } });
    const listed = (await api('GET', '/products')).body.products.find((p: { sku: string }) => p.sku === sku);
    expect(listed).toEqual({ sku, name: 'Lamp shade', priceCents: 1299, currency: 'USD', kind: 'standard', inStock: true });

    const repriced = await staffApi('admin', 'PUT', `/admin/products/${sku}`, { body: { priceCents: 1499 } });
    expect(repriced.body.product).toEqual({ sku, name: 'Lamp shade', priceCents: 1499, kind: 'standard', stock: 4 });
  });

  it('leaves stock sold meanwhile alone when other fields change', async () => {
    const { product } = await placeOrder({ quantity: 3 });
    const renamed = await staffApi('admin', 'PUT', `/admin/products/${product.sku}`, { body: { name: 'Renamed' } });
    expect(renamed.body.product).toMatchObject({ name: 'Renamed', stock: 7 });
    expect(await stockOf(product.sku)).toBe(7);
  });

  it('needs every field for a new product and validates each', async () => {
    const partial = await staffApi('admin', 'PUT', `/admin/products/NEW-${Date.now()}`, { body: { priceCents: 100 } });
    expect(partial.status).toBe(400);
    expect(partial.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['kind', 'name', 'stock']);

    const { sku } = await createProduct();
    for (const [body, path] of [
      [{ priceCents: -1 }, 'priceCents'],
      [{ priceCents: 9.5 }, 'priceCents'],
      [{ kind: 'gift' }, 'kind'],
      [{ stock: -2 }, 'stock'],
      [{ name: '' }, 'name'],
      [{ colour: 'red' }, ''],
    ] as const) {
      const response = await staffApi('admin', 'PUT', `/admin/products/${sku}`, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const badSku = await staffApi('admin', 'PUT', `/admin/products/${encodeURIComponent('bad sku!')}`, { body: { stock: 1 } });
    expect(badSku.status).toBe(400);
    expect(badSku.body.error.details[0].path).toBe('sku');
  });
});

describe('audit trail (GET /admin/audit)', () => {
  const panAsSku = '5555555555554444';

  it('records every staff change and refusal with actor and outcome, and no reads', async () => {
    const { order } = await placeOrder();
    const requests = [
      await act('csr', order.id, 'notes', { message: 'Checked the address' }),
      await act('csr', order.id, 'complete'),
      await staffApi('csr', 'GET', `/admin/orders/${order.id}`),
      // A card number typed where a SKU belongs (not one of the PAN canary's numbers: the twin logs paths).
      await staffApi('admin', 'PUT', `/admin/products/${panAsSku}`, { body: { stock: 1 } }),
    ];
    expect(requests.map((r) => r.status)).toEqual([200, 409, 200, 400]);
    const events = await auditEventsOf(requests);
    expect(events).toEqual([
      expect.objectContaining({ actor: 'admin', action: 'putProduct', outcome: 'validation_failed', data: { status: 400, sku: '••••••••••••••••' } }),
      expect.objectContaining({ actor: 'csr', action: 'applyOrderAction:complete', outcome: 'invalid_transition', orderId: order.id }),
      expect.objectContaining({ actor: 'csr', action: 'applyOrderAction:notes', outcome: 'succeeded', orderId: order.id }),
    ]);
    for (const event of events) expect(Date.parse(event.at)).not.toBeNaN();
    expect(JSON.stringify(events)).not.toContain(panAsSku);
  });

  it('pages a day newest first and validates the day', async () => {
    const first = await staffApi('admin', 'GET', '/admin/audit?limit=1');
    expect(first.body.events).toHaveLength(1);
    const second = await staffApi('admin', 'GET', `/admin/audit?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.events[0].at <= first.body.events[0].at).toBe(true);
    expect((await staffApi('admin', 'GET', '/admin/audit?day=2026-02-30')).status).toBe(400);
    expect((await staffApi('admin', 'GET', '/admin/audit?day=1999-01-01')).body).toEqual({ events: [], nextCursor: null });
  });
});
