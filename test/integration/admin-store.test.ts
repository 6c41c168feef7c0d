import { describe, expect, it } from 'vitest';
import { act, auditEventsOf, placeOrder, staffApi } from './admin-helpers.js';
import { api, type ApiResponse, createProduct, stockOf } from './helpers.js';

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

// A successful settings change is tested in store-wide.test.ts: other files here share the store.
describe('settings (GET/PUT /admin/settings)', () => {
  it('shows every setting', async () => {
    const settings = await staffApi('csr', 'GET', '/admin/settings');
    expect(settings.status).toBe(200);
    expect(Object.keys(settings.body).sort()).toEqual(settingsKeys);
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
    // Two events of this test's own; other files add theirs to the same day meanwhile.
    const { order } = await placeOrder();
    const requests = [await act('csr', order.id, 'complete'), await act('csr', order.id, 'complete')];
    const wanted = requests.map((response) => response.headers.get('x-request-id'));
    const seen: { at: string; requestId: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await staffApi('admin', 'GET', `/admin/audit?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.body.events.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.events);
      cursor = page.body.nextCursor;
    } while (cursor && !wanted.every((id) => seen.some((event) => event.requestId === id)));
    // Newest first across pages: the second request's event comes before the first's.
    expect(seen.map((event) => event.requestId).filter((id) => wanted.includes(id))).toEqual([...wanted].reverse());
    expect(seen.map((event) => event.at)).toEqual(
      seen
        .map((event) => event.at)
        .sort()
        .reverse(),
    );

    expect((await staffApi('admin', 'GET', '/admin/audit?day=2026-02-30')).status).toBe(400);
    expect((await staffApi('admin', 'GET', '/admin/audit?day=1999-01-01')).body).toEqual({ events: [], nextCursor: null });
  });
});
