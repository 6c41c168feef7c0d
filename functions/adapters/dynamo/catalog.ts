import { createHash } from 'node:crypto';
import { BatchGetCommand, type BatchGetCommandOutput, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Catalog, Product, Reservation, StockLine } from '../../core/ports.js';
import { type DocumentClient, isConditionFailure } from './client.js';

const catalogPartition = 'CATALOG';
const productKey = (sku: string) => ({ pk: catalogPartition, sk: `PRODUCT#${sku}` });

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
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
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

  async get(skus: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    const unique = [...new Set(skus)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(productKey);
      while (keys?.length) {
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) found.set(item.sku as string, toProduct(item));
        keys = UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async put(product: Product): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...productKey(product.sku), ...product } }));
  }

  async update(sku: string, changes: Partial<Omit<Product, 'sku'>>): Promise<Product | null> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (!fields.length) return (await this.get([sku])).get(sku) ?? null;
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
      await this.adjustStock(lines, token, 'SET stock = stock - :quantity', 'attribute_exists(pk) AND stock >= :quantity');
      return { ok: true };
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      const shortSkus = lines.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((l) => l.sku);
      if (!shortSkus.length) throw error;
      return { ok: false, shortSkus };
    }
  }

  async release(lines: readonly StockLine[], token: string): Promise<void> {
    await this.adjustStock(lines, token, 'SET stock = stock + :quantity', 'attribute_exists(pk)');
  }

  /** All lines change in one transaction; the token makes a repeat within 10 minutes a no-op. */
  private async adjustStock(lines: readonly StockLine[], token: string, update: string, condition: string) {
    await this.client.send(
      new TransactWriteCommand({
        ClientRequestToken: requestToken(token),
        TransactItems: lines.map((line) => ({
          Update: {
            TableName: this.tableName,
            Key: productKey(line.sku),
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeValues: { ':quantity': line.quantity },
          },
        })),
      }),
    );
  }
}
