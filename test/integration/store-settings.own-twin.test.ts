import { describe, expect, it } from 'vitest';
import type { Settings } from '../../functions/core/settings.js';
import { staffApi } from './admin-helpers.js';
import { until } from './fulfillment-helpers.js';
import { twinMailIdentity } from './twin-setup.js';
import { api, cardPayment, checkoutBody, createProduct, mailsFor, postCheckout, storedOrder, testCards, uniqueEmail } from './helpers.js';

/*
 * Tests that change store-wide settings. Their files (`*.own-twin.test.ts`) run against a twin
 * of their own (see vitest.config.ts), so no other file meets a renamed store or offline
 * payment turned off; each test puts back what it changed.
 */

const currentSettings = async (): Promise<Settings> => (await staffApi('admin', 'GET', '/admin/settings')).body;

const withSettings = async (changes: Partial<Settings>, run: () => Promise<void>) => {
  const before = await currentSettings();
  expect((await staffApi('admin', 'PUT', '/admin/settings', { body: changes })).status).toBe(200);
  try {
    await run();
  } finally {
    const restore = Object.fromEntries(Object.keys(changes).map((key) => [key, before[key as keyof Settings]]));
    expect((await staffApi('admin', 'PUT', '/admin/settings', { body: restore })).status).toBe(200);
  }
};

const declinedCheckout = async (onDecline: 'ask' | 'offline') => {
  const email = uniqueEmail();
  const product = await createProduct({ stock: 5 });
  const response = await postCheckout(
    checkoutBody({ customer: { email, name: 'Dee Clined' }, items: [{ sku: product.sku, quantity: 1 }], payment: cardPayment(testCards.declined), onDecline }),
  );
  return { email, response, orderId: response.body.order?.id as string, token: response.body.trackingToken as string };
};

describe('settings (GET/PUT /admin/settings)', () => {
  it('merges a partial update and shows it to every staff member', async () => {
    const before = await currentSettings();
    const renamed = `Store ${Date.now()}`;
    await withSettings({ storeName: renamed }, async () => {
      expect(await currentSettings()).toEqual({ ...before, storeName: renamed });
      expect((await staffApi('csr', 'GET', '/admin/settings')).body.storeName).toBe(renamed);
    });
    expect(await currentSettings()).toEqual(before);
  });

  it('refuses a sender outside the verified mail identity, naming it, and takes one inside it', async () => {
    const before = await currentSettings();
    const outside = await staffApi('admin', 'PUT', '/admin/settings', { body: { fromEmail: 'orders@unverified.test' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe('validation_failed');
    expect(outside.body.error.message).toContain(twinMailIdentity);
    expect(outside.body.error.details).toEqual([{ path: 'fromEmail', message: expect.stringContaining(twinMailIdentity) }]);
    expect(await currentSettings()).toEqual(before);

    const inside = `Sales@${twinMailIdentity.toUpperCase()}`;
    await withSettings({ fromEmail: inside }, async () => {
      expect((await currentSettings()).fromEmail).toBe(inside);
    });
  });
});

describe('offline payment turned off (allowOfflineResubmit=false)', () => {
  it('offers no submit_offline on a decline, and POST /orders/{id}/offline answers 409', async () => {
    await withSettings({ allowOfflineResubmit: false }, async () => {
      const { response, orderId, token } = await declinedCheckout('ask');
      expect(response.status).toBe(402);
      expect(response.body.actions).toEqual(['retry_payment']);

      const offline = await api('POST', `/orders/${orderId}/offline`, { headers: { 'X-Order-Token': token } });
      expect(offline.status).toBe(409);
      expect(offline.body.error.code).toBe('invalid_transition');
      expect((await storedOrder(orderId)).status).toBe('INCOMPLETE');
    });
  });

  it('asks the customer again even when the checkout said onDecline "offline"', async () => {
    await withSettings({ allowOfflineResubmit: false }, async () => {
      const { response, orderId } = await declinedCheckout('offline');
      expect(response.status).toBe(402);
      expect(response.body.actions).toEqual(['retry_payment']);
      expect((await storedOrder(orderId)).status).toBe('INCOMPLETE');
    });
  });
});

describe('no offline notice to customers (customerOfflineNotice=false)', () => {
  it('holds the order offline and tells the staff, but sends the customer nothing', async () => {
    await withSettings({ customerOfflineNotice: false }, async () => {
      const { email, response, orderId } = await declinedCheckout('offline');
      expect(response.status).toBe(201);
      expect(response.body.outcome).toBe('offline');

      // The staff notice goes out after the customer's receipt would have: once it is recorded, the receipt was decided.
      const stored = await until('the staff notice to be recorded', async () => {
        const order = await storedOrder(orderId);
        return order.emailsSent?.includes('offline_notice') ? order : undefined;
      });
      expect(stored.status).toBe('OFFLINE_PENDING');
      expect(stored.emailsSent).not.toContain('receipt');
      expect(await mailsFor('csr@example.com', `Offline order ${orderId} waits for a manual charge`)).toHaveLength(1);
      expect(await mailsFor(email, '')).toEqual([]);
    });
  });
});
