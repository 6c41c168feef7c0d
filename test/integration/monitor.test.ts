import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { enterFulfillmentManually } from '../../functions/core/fulfillment.js';
import { offlineDigestKey, runStuckOrderMonitor } from '../../functions/core/monitor.js';
import type { Order } from '../../functions/core/order.js';
import { anOrder } from '../support/fixtures.js';
import { monitorDeps, orderRepository, receivedFor, scriptReceiver, storedOrder, timerRanSinceNow, until } from './fulfillment-helpers.js';
import { act, staffApi } from './admin-helpers.js';
import { api, checkoutBody, createProduct, mailsFor, postCheckout, sentMails, twin, uniqueEmail } from './helpers.js';

const csr = 'csr@example.com';
const pagesFor = async (orderId: string) => mailsFor(csr, `Stuck order ${orderId}:`);

describe('stuck-order monitor in the twin', () => {
  const email = uniqueEmail();
  const orders: { id: string; token: string }[] = [];

  beforeAll(async () => {
    await scriptReceiver(email, [500]);
    const product = await createProduct({ stock: 10, priceCents: 4321 });
    for (let i = 0; i < 2; i++) {
      const response = await postCheckout(checkoutBody({ customer: { email, name: 'Stu Stuck' }, items: [{ sku: product.sku, quantity: 1 }] }));
      expect(response.status).toBe(201);
      orders.push({ id: response.body.order.id, token: response.body.trackingToken });
    }
    // Stuck after `stuckAfterSeconds`; the twin's timer pages within one more interval.
    await until('both orders to be paged', async () => (await Promise.all(orders.map((o) => pagesFor(o.id)))).every((pages) => pages.length > 0), 20_000, 200);
  }, 40_000);

  it('pages each stuck order once, by email to the CSR list, with what a CSR needs', async () => {
    for (const { id } of orders) {
      const [page, ...more] = await pagesFor(id);
      expect(more).toEqual([]);
      expect(page!.subject).toMatch(new RegExp(`^Stuck order ${id}: \\d+ min in Order Placed$`));
      for (const part of [id, `Stu Stuck <${email}>`, '$43.21', 'Last hand-off error: HTTP 500', `${twin().apiUrl}/dashboard/#/orders/${id}`]) {
        expect(page!.body.text).toContain(part);
      }
      expect(page!.body.text).toMatch(/Order Placed for \d+ minutes/);
      const stored = await storedOrder(id);
      expect(stored.status).toBe('ORDER_PLACED');
      expect(stored.history.filter((e) => e.type === 'paged')).toEqual([
        expect.objectContaining({ actor: 'system', data: expect.objectContaining({ since: stored.statusSince }) }),
      ]);
    }
  });

  it('keeps listing them as stuck and pages none again, on a run through POST /admin/monitor/run and on later timer runs', async () => {
    for (let run = 0; run < 2; run++) {
      const response = await staffApi('csr', 'POST', '/admin/monitor/run');
      expect(response.status).toBe(200);
      const report = response.body;
      expect(report).toEqual({ stuck: expect.any(Array), pagedNow: expect.any(Number) });
      for (const { id } of orders) {
        const since = (await storedOrder(id)).statusSince;
        expect(report.stuck).toContainEqual({ orderId: id, since, paged: true });
      }
    }
    // The twin publishes the StuckOrders metric as a log line (CloudWatch in AWS).
    const metrics = readFileSync(twin().logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"metric":"StuckOrders"'));
    expect(JSON.parse(metrics.at(-1)!)).toMatchObject({ value: expect.any(Number) });
    await timerRanSinceNow();
    for (const { id } of orders) {
      expect(await pagesFor(id)).toHaveLength(1);
      expect((await storedOrder(id)).history.filter((e) => e.type === 'paged')).toHaveLength(1);
    }
  });

  it('fulfillment-retry after the receiver recovers moves the order to IN_PROCESS, and it is no longer stuck', async () => {
    const [first] = orders;
    await scriptReceiver(email, [200]);
    const response = await act('csr', first!.id, 'fulfillment-retry');
    expect(response.status).toBe(200);
    const retried = response.body.order;
    expect(retried.status).toBe('IN_PROCESS');
    expect(retried.history.find((e: { type: string }) => e.type === 'fulfillment_retry')).toMatchObject({ actor: 'csr' });
    expect((await receivedFor(email)).filter((d) => d.orderId === first!.id).at(-1)).toMatchObject({ signatureValid: true, answered: 200 });

    const tracked = await api('GET', `/orders/${first!.id}`, { headers: { 'X-Order-Token': first!.token } });
    expect(tracked.body.order).toMatchObject({ status: 'IN_PROCESS', statusLabel: 'In Process' });
    const report = (await staffApi('csr', 'POST', '/admin/monitor/run')).body;
    expect(report.stuck.map((s: { orderId: string }) => s.orderId)).not.toContain(first!.id);
  });

  it('fulfillment-manual moves the other one to IN_PROCESS with its reference, and it is no longer stuck', async () => {
    const [, second] = orders;
    const response = await act('csr', second!.id, 'fulfillment-manual', { externalRef: 'WMS-5150' });
    expect(response.status).toBe(200);
    const entered = response.body.order;
    expect(entered.status).toBe('IN_PROCESS');
    expect(entered.history.find((e: { type: string }) => e.type === 'fulfillment_manual')).toMatchObject({ actor: 'csr', data: { externalRef: 'WMS-5150' } });
    expect((await act('csr', second!.id, 'fulfillment-manual', { externalRef: 'WMS-5150' })).body.error.code).toBe('invalid_transition');
    const report = (await staffApi('csr', 'POST', '/admin/monitor/run')).body;
    expect(report.stuck.map((s: { orderId: string }) => s.orderId)).not.toContain(second!.id);
    await timerRanSinceNow();
    expect(await pagesFor(second!.id)).toHaveLength(1);
  });
});

describe('the placed orders the monitor reads', () => {
  it('counts an order as stuck from when it entered ORDER_PLACED, not from its creation', async () => {
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const make = (id: string, createdAgo: number, placedAgo: number): Order =>
      anOrder({
        id,
        status: 'ORDER_PLACED',
        createdAt: at(createdAgo),
        statusSince: at(placedAgo),
        customer: { email: uniqueEmail(), name: 'Index Test', phone: null },
      });
    const suffix = randomUUID().slice(0, 8);
    const justApproved = make(`ord_IDX_NEW_${suffix}`, 3 * 86_400_000, 0);
    const waitingLong = make(`ord_IDX_OLD_${suffix}`, 60_000, 30_000);
    const repository = orderRepository();
    for (const order of [justApproved, waitingLong]) await repository.create(order);

    const report = await runStuckOrderMonitor(monitorDeps(), new Date(now));
    const ids = report.stuck.map((s) => s.orderId);
    expect(ids).toContain(waitingLong.id);
    expect(ids).not.toContain(justApproved.id);
    expect(report.stuck.find((s) => s.orderId === waitingLong.id)?.since).toBe(waitingLong.statusSince);

    // Moving on takes it out of the index's ORDER_PLACED partition.
    const moved = await enterFulfillmentManually({ orders: repository, clock: { now: () => new Date() } }, waitingLong.id, 'REF-1', 'csr');
    expect(moved.status).toBe('IN_PROCESS');
    expect((await runStuckOrderMonitor(monitorDeps(), new Date(now))).stuck.map((s) => s.orderId)).not.toContain(waitingLong.id);
  });
});

describe('the daily offline digest', () => {
  it('is mailed once by the twin monitor, listing offline orders over 24 h and flagging cards held over 30 days', async () => {
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const suffix = randomUUID().slice(0, 8);
    const offline = (id: string, ago: number): Order =>
      anOrder({
        id,
        status: 'OFFLINE_PENDING',
        createdAt: at(ago),
        statusSince: at(ago),
        customer: { email: uniqueEmail(), name: 'Olive Offline', phone: null },
        payment: { ...anOrder().payment, status: 'OFFLINE', declineReason: 'card_declined' },
        heldCard: { ref: `ref-${id}`, heldAt: at(ago), expiresAt: null },
      });
    const waiting = offline(`ord_DIG_2D_${suffix}`, 2 * 86_400_000);
    const heldLong = offline(`ord_DIG_40D_${suffix}`, 40 * 86_400_000);
    // Today's digest is held back while both are written: a timer run between the two writes
    // would mail the day's one digest without the second.
    const { ledger, orders: repository } = monitorDeps();
    const todaysDigest = offlineDigestKey(new Date().toISOString().slice(0, 10));
    expect(await ledger.claim(todaysDigest, new Date(now + 60_000))).toBe(true);
    for (const order of [waiting, heldLong]) await repository.create(order);
    await ledger.release(todaysDigest);

    const digests = async () => (await sentMails()).filter((m) => m.destination.to.includes(csr) && m.body.text.includes(waiting.id));
    const [digest] = await until('the digest', async () => {
      const found = await digests();
      return found.length ? found : undefined;
    });
    expect(digest!.subject).toMatch(/offline orders? waiting more than 24 h$/);
    expect(digest!.body.text).toContain(heldLong.id);
    expect(digest!.body.text).toMatch(new RegExp(`Cards held longer than 30 days[^]*${heldLong.id}: card held 40 days`));
    expect(digest!.body.text).not.toMatch(new RegExp(`${waiting.id}: card held`));
    // The flag is recorded on the order right after the digest goes out.
    const flagged = await until('the flag on the order', async () => {
      const entries = (await storedOrder(heldLong.id)).history.filter((e) => e.type === 'card_hold_flagged');
      return entries.length ? entries : undefined;
    });
    expect(flagged).toEqual([expect.objectContaining({ actor: 'system', data: { heldDays: 40 } })]);

    await timerRanSinceNow();
    expect(await digests()).toHaveLength(1);
  });
});
