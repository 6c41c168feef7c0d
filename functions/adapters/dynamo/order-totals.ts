import { QueryCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TotalsAdjustment } from '../../core/admin/reports.js';
import type { DailyTotals, OrderTotalsReader, StatusTotals } from '../../core/ports.js';
import { type OrderStatus, orderStatuses } from '../../core/status.js';
import type { DocumentClient } from './client.js';

/**
 * Per-day order totals, one item per UTC creation day in the orders table:
 * `count_<STATUS>` and `cents_<STATUS>` numbers. They carry no `status`/`entity` attribute,
 * so the sparse order indexes never see them.
 */
const totalsPartition = 'TOTALS';
/**
 * Each day's totals are spread over a few items, one picked per write, so that concurrent
 * checkouts do not all meet on one item (a transaction conflict each time); reads add them up.
 */
const shardsPerDay = 10;
const dayKey = (day: string) => ({ pk: totalsPartition, sk: `DAY#${day}#${Math.floor(Math.random() * shardsPerDay)}` });
const dayOf = (sk: unknown) => String(sk).slice('DAY#'.length, 'DAY#'.length + 'YYYY-MM-DD'.length);

/** The transaction items that apply `adjustments` (at most one per day, attributes added atomically). */
export const totalsUpdates = (tableName: string, adjustments: readonly TotalsAdjustment[]): NonNullable<TransactWriteCommandInput['TransactItems']> => {
  const byDay = new Map<string, TotalsAdjustment[]>();
  for (const adjustment of adjustments) byDay.set(adjustment.day, [...(byDay.get(adjustment.day) ?? []), adjustment]);
  return [...byDay].map(([day, changes]) => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const terms = changes.flatMap((change, i) => {
      names[`#c${i}`] = `count_${change.status}`;
      names[`#t${i}`] = `cents_${change.status}`;
      values[`:c${i}`] = change.count;
      values[`:t${i}`] = change.totalCents;
      return [`#c${i} :c${i}`, `#t${i} :t${i}`];
    });
    return {
      Update: {
        TableName: tableName,
        Key: dayKey(day),
        UpdateExpression: `ADD ${terms.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
};

const toDailyTotals = (item: Record<string, unknown>): DailyTotals => {
  const byStatus: Partial<Record<OrderStatus, StatusTotals>> = {};
  for (const status of orderStatuses) {
    const count = item[`count_${status}`];
    const totalCents = item[`cents_${status}`];
    if (typeof count === 'number' || typeof totalCents === 'number') {
      byStatus[status] = { count: Number(count ?? 0), totalCents: Number(totalCents ?? 0) };
    }
  }
  return { day: dayOf(item.sk), byStatus };
};

/** One day's shards (and a day written before sharding) added up. */
const addUp = (days: readonly DailyTotals[]): DailyTotals[] => {
  const byDay = new Map<string, Partial<Record<OrderStatus, StatusTotals>>>();
  for (const { day, byStatus } of days) {
    const sum = byDay.get(day) ?? {};
    for (const [status, totals] of Object.entries(byStatus) as [OrderStatus, StatusTotals][]) {
      const before = sum[status] ?? { count: 0, totalCents: 0 };
      sum[status] = { count: before.count + totals.count, totalCents: before.totalCents + totals.totalCents };
    }
    byDay.set(day, sum);
  }
  return [...byDay].map(([day, byStatus]) => ({ day, byStatus }));
};

export class DynamoOrderTotals implements OrderTotalsReader {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async daily(range: { readonly fromDay?: string; readonly toDay?: string }): Promise<DailyTotals[]> {
    const from = `DAY#${range.fromDay ?? ''}`;
    // '~' sorts after every digit, so `DAY#<to>~` bounds the range inclusively.
    const to = `DAY#${range.toDay ?? '9999-12-31'}~`;
    const days: DailyTotals[] = [];
    let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': totalsPartition, ':from': from, ':to': to },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      days.push(...(page.Items ?? []).map(toDailyTotals));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return addUp(days);
  }
}
