import { createHash } from 'node:crypto';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Catalog, Product, Reservation, StockLine } from '../../core/ports.js';
import { batchGetAll, type DocumentClient, isConditionFailure, transactWrite } from './client.js';

const catalogPartition = 'CATALOG';
const productKey = (sku: string) => ({ pk: catalogPartition, sk: `PRODUCT#${sku}` });

/** How long a container reuses a product it read for pricing; stock itself is decided by the conditional writes. */
const cacheMs = 5_000;

/** The transaction items that take each line's quantity from stock, refused when a line is short. */
export const stockReservationItems = (tableName: string, lines: readonly StockLine[]) =>
  lines.map((line) => ({
    Update: {
      TableName: tableName,
      Key: productKey(line.sku),
      UpdateExpression: 'SET stock = stock - :quantity',
      ConditionExpression: 'attribute_exists(pk) AND stock >= :quantity',
      ExpressionAttributeValues: { ':quantity': line.quantity },
    },
  }));

/** The lines whose item failed its condition in a cancelled transaction, items numbered from `offset`. */
export const shortLines = (error: unknown, lines: readonly StockLine[], offset = 0): string[] | null => {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  if ((error as Error).name !== 'TransactionCanceledException' || !reasons) return null;
  const short = lines.filter((_, i) => reasons[offset + i]?.Code === 'ConditionalCheckFailed').map((l) => l.sku);
  return short.length ? short : null;
};

const toProduct = (item: Record<string, unknown>): Product => ({
  sku: item.sku as string,
  name: item.name as string,
  priceCents: item.priceCents as number,
  kind: item.kind as Product['kind'],
  stock: item.stock as number,
});

/** DynamoDB accepts a ClientRequestToken of at most 36 characters; the same token replays as a no-op for 10 minutes. */
const requestToken = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 36);

export class DynamoCatalog implements Catalog {
  private readonly cached = new Map<string, { product: Product; until: number }>();

  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly cacheForMs = cacheMs,
  ) {}

  async list(): Promise<Product[]> {
    const products: Product[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': catalogPartition, ':prefix': 'PRODUCT#' },
          ExclusiveStartKey,
        }),
      );
      products.push(...(page.Items ?? []).map(toProduct));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return products;
  }

  /**
   * Products as priced a moment ago: a container reuses what it read for a few seconds (names
   * and prices; a stale stock figure decides nothing, the reservation's condition does).
   */
  async get(skus: readonly string[]): Promise<Map<string, Product>> {
    const now = Date.now();
    const found = new Map<string, Product>();
    const missing: string[] = [];
    for (const sku of new Set(skus)) {
      const hit = this.cached.get(sku);
      if (hit && hit.until > now) found.set(sku, hit.product);
      else missing.push(sku);
    }
    for (const [sku, product] of await this.read(missing)) {
      found.set(sku, product);
      if (this.cacheForMs > 0) this.cached.set(sku, { product, until: now + this.cacheForMs });
    }
    return found;
  }

  private async read(unique: readonly string[]): Promise<Map<string, Product>> {
    const items = await batchGetAll(this.client, this.tableName, unique.map(productKey));
    return new Map(items.map((item) => [item.sku as string, toProduct(item)]));
  }

  async put(product: Product): Promise<void> {
    this.cached.delete(product.sku);
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...productKey(product.sku), ...product } }));
  }

  async update(sku: string, changes: Partial<Omit<Product, 'sku'>>): Promise<Product | null> {
    this.cached.delete(sku);
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (!fields.length) return (await this.read([sku])).get(sku) ?? null;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: productKey(sku),
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toProduct(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async reserve(lines: readonly StockLine[], token: string): Promise<Reservation> {
    try {
      await transactWrite(this.client, { ClientRequestToken: requestToken(token), TransactItems: stockReservationItems(this.tableName, lines) });
      return { ok: true };
    } catch (error) {
      const shortSkus = shortLines(error, lines);
      if (!shortSkus) throw error;
      return { ok: false, shortSkus };
    }
  }

  async release(lines: readonly StockLine[], token: string): Promise<void> {
    // All lines in one transaction; the token makes a repeat within 10 minutes a no-op.
    await transactWrite(this.client, {
      ClientRequestToken: requestToken(token),
      TransactItems: lines.map((line) => ({
        Update: {
          TableName: this.tableName,
          Key: productKey(line.sku),
          UpdateExpression: 'SET stock = stock + :quantity',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':quantity': line.quantity },
        },
      })),
    });
  }
}
