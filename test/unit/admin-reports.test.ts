import { describe, expect, it } from 'vitest';
import { cancellationCodes, type DocumentClient, transactWrite } from '../../functions/adapters/dynamo/client.js';
import { reportSummary, summarize, totalsAdjustments } from '../../functions/core/admin/reports.js';
import { defaultSettings } from '../../functions/core/settings.js';
import { anOrder } from '../support/fixtures.js';

const placed = anOrder({ status: 'ORDER_PLACED', createdAt: '2026-03-04T23:59:59.000Z' });

describe('totalsAdjustments', () => {
  it('counts a new order under its creation day and status', () => {
    expect(totalsAdjustments(null, placed)).toEqual([{ day: '2026-03-04', status: 'ORDER_PLACED', count: 1, totalCents: 3998 }]);
  });

  it('moves an order between statuses within its creation day', () => {
    expect(totalsAdjustments(placed, { ...placed, status: 'CANCELLED' })).toEqual([
      { day: '2026-03-04', status: 'ORDER_PLACED', count: -1, totalCents: -3998 },
      { day: '2026-03-04', status: 'CANCELLED', count: 1, totalCents: 3998 },
    ]);
  });

  it('changes nothing for writes that keep status and total, and takes a removed order out', () => {
    expect(totalsAdjustments(placed, { ...placed, version: 9, history: [] })).toEqual([]);
    expect(totalsAdjustments(placed, null)).toEqual([{ day: '2026-03-04', status: 'ORDER_PLACED', count: -1, totalCents: -3998 }]);
  });
});

describe('summarize', () => {
  it('adds days up, lists every status and leaves canceled and incomplete orders out of the revenue', () => {
    const summary = summarize(
      [
        { day: '2026-03-04', byStatus: { ORDER_PLACED: { count: 2, totalCents: 3000 }, CANCELLED: { count: 1, totalCents: 900 } } },
        {
          day: '2026-03-05',
          byStatus: { ORDER_PLACED: { count: 1, totalCents: 500 }, INCOMPLETE: { count: 4, totalCents: 400 }, OFFLINE_PENDING: { count: 1, totalCents: 70 } },
        },
      ],
      1,
    );
    expect(summary).toMatchObject({ orderCount: 4, revenueCents: 3570, offlinePendingCount: 1, stuckCount: 1 });
    expect(summary.byStatus.ORDER_PLACED).toEqual({ count: 3, totalCents: 3500 });
    expect(summary.byStatus.SHIPPED).toEqual({ count: 0, totalCents: 0 });
    expect(Object.keys(summary.byStatus)).toHaveLength(10);
  });
});

describe('reportSummary', () => {
  /** Orders awaiting their hand-off, as the placed-order index would list them. */
  const awaitingHandOff = [
    anOrder({ id: 'a', status: 'ORDER_PLACED', createdAt: '2026-03-01T10:00:00.000Z', statusSince: '2026-03-01T10:00:00.000Z' }),
    anOrder({ id: 'b', status: 'ORDER_PLACED', createdAt: '2026-03-02T23:00:00.000Z', statusSince: '2026-03-09T10:00:00.000Z' }),
    anOrder({ id: 'c', status: 'ORDER_PLACED', createdAt: '2026-03-05T10:00:00.000Z', statusSince: '2026-03-05T10:00:00.000Z' }),
  ];
  const run = async (range: { from?: string; to?: string }, now = '2026-03-10T12:00:00.000Z') => {
    const listed: string[] = [];
    const days: unknown[] = [];
    const deps = {
      placedOrders: {
        listPlacedUpTo: async ({ placedUpTo }: { placedUpTo: string }) => {
          listed.push(placedUpTo);
          return { orders: awaitingHandOff.filter((o) => o.statusSince! <= placedUpTo), nextCursor: null };
        },
      },
      totals: {
        daily: async (query: unknown) => {
          days.push(query);
          return [];
        },
      },
      settings: { get: async () => ({ ...defaultSettings, stuckAfterSeconds: 3600 }) } as never,
      clock: { now: () => new Date(now) },
    };
    return { summary: await reportSummary(deps, range), listed, days };
  };

  it('counts the orders the monitor finds stuck, created within the range', async () => {
    const open = await run({});
    expect(open.listed).toEqual(['2026-03-10T11:00:00.000Z']);
    expect(open.summary.stuckCount).toBe(3);
    const past = await run({ from: '2026-03-01', to: '2026-03-02' });
    expect(past.summary.stuckCount).toBe(2);
    expect(past.days).toEqual([{ fromDay: '2026-03-01', toDay: '2026-03-02' }]);
    // Placed only 30 minutes ago: not stuck yet, however old the order.
    expect((await run({}, '2026-03-09T10:30:00.000Z')).summary.stuckCount).toBe(2);
  });

  it('refuses a reversed range', async () => {
    await expect(run({ from: '2026-03-05', to: '2026-03-04' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('transactWrite', () => {
  const canceled = (...codes: string[]) =>
    Object.assign(new Error('canceled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
  const clientFailing = (...failures: Error[]) => {
    let calls = 0;
    return {
      client: {
        send: async () => {
          calls += 1;
          const failure = failures.shift();
          if (failure) throw failure;
        },
      } as unknown as DocumentClient,
      calls: () => calls,
    };
  };

  it('retries a transaction that met another one on the same totals item', async () => {
    const { client, calls } = clientFailing(canceled('None', 'TransactionConflict'), canceled('TransactionConflict'));
    await transactWrite(client, { TransactItems: [] });
    expect(calls()).toBe(3);
  });

  it('leaves a failed condition to the caller at once', async () => {
    const failure = canceled('ConditionalCheckFailed', 'None');
    const { client, calls } = clientFailing(failure);
    await expect(transactWrite(client, { TransactItems: [] })).rejects.toBe(failure);
    expect(calls()).toBe(1);
    expect(cancellationCodes(failure)).toEqual(['ConditionalCheckFailed', 'None']);
  });
});
