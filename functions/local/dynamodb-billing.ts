import type { IndexDefinition, TableDefinition } from '../../contract/tables.js';

/**
 * Capacity units as DynamoDB bills them on demand, from the items a request touches (developer
 * guide, "Item sizes and formats", "Read/write capacity units" and "Provisioned throughput
 * considerations for Global Secondary Indexes"): a write costs one unit per started KB of the
 * larger of the item before and after it, twice that in a transaction, plus a write per index
 * entry it puts, changes or removes (one unit per started KB of the entry; two when an index
 * key changes); a read one unit per started 4 KB of what it returns, half that when eventually
 * consistent, twice that in a transaction. DynamoDB Local reports other figures for transactions
 * (two one-item puts in one transaction: 2 units, where DynamoDB bills 4), so the bench sizes
 * the items itself.
 */

type Item = Readonly<Record<string, unknown>>;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** 1 byte per two significant digits, plus 1. */
const numberBytes = (value: number | bigint) => {
  const digits = String(value).replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
};

const valueBytes = (value: unknown): number => {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueBytes(element), 0);
  // A list or map: 3 bytes, and 1 byte for each element.
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object') return 3 + attributeBytes(value as Item, 1);
  throw new Error(`no DynamoDB type for ${typeof value}`);
};

/** Names and values; `undefined` values are left out, as the DocumentClient leaves them out. */
const attributeBytes = (attributes: Item, perElement: number) =>
  Object.entries(attributes).reduce((sum, [name, value]) => (value === undefined ? sum : sum + perElement + utf8Bytes(name) + valueBytes(value)), 0);

/** An item's size in bytes as DynamoDB counts it. */
export const itemBytes = (item: Item): number => attributeBytes(item, 0);

type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

/** One item a write touches: `item` is what a put writes. */
export interface WriteTarget {
  readonly kind: WriteKind;
  readonly table: TableDefinition;
  readonly tableName: string;
  readonly key: Item;
  readonly item?: Item;
  readonly transactional: boolean;
}

type Operation = { TableName: string; Key?: Item; Item?: Item };
/** The table definition behind a physical table name. */
export type TableOf = (tableName: string) => TableDefinition;

const keyOf = (table: TableDefinition, item: Item) => Object.fromEntries([table.partitionKey.name, table.sortKey.name].map((name) => [name, item[name]]));

const target = (kind: WriteKind, operation: Operation, tableOf: TableOf, transactional: boolean): WriteTarget => {
  const table = tableOf(operation.TableName);
  return {
    kind,
    table,
    tableName: operation.TableName,
    key: operation.Key ?? keyOf(table, operation.Item ?? {}),
    ...(operation.Item ? { item: operation.Item } : {}),
    transactional,
  };
};

/** The items a write command touches; none for a read. */
export const writeTargets = (command: string, input: Record<string, unknown>, tableOf: TableOf): WriteTarget[] => {
  const single = input as unknown as Operation;
  switch (command) {
    case 'PutItem':
      return [target('Put', single, tableOf, false)];
    case 'UpdateItem':
      return [target('Update', single, tableOf, false)];
    case 'DeleteItem':
      return [target('Delete', single, tableOf, false)];
    case 'TransactWriteItems':
      return (input.TransactItems as Record<WriteKind, Operation>[]).map((entry) => {
        const kind = Object.keys(entry)[0] as WriteKind;
        return target(kind, entry[kind], tableOf, true);
      });
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>).flatMap(
        ([TableName, requests]) =>
          requests.map((request) =>
            request.PutRequest
              ? target('Put', { TableName, Item: request.PutRequest.Item }, tableOf, false)
              : target('Delete', { TableName, Key: request.DeleteRequest!.Key }, tableOf, false),
          ),
      );
    default:
      return [];
  }
};

const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const bytesOf = (item: Item | undefined) => (item ? itemBytes(item) : 0);
/** The units of one item's write: the larger of the item before and after it. */
const itemWriteUnits = (before: Item | undefined, after: Item | undefined) => writeUnitsOf(Math.max(bytesOf(before), bytesOf(after)));

/** An item's entry in an index (the table's and the index's keys, the projected attributes), or none. */
const indexEntry = (table: TableDefinition, index: IndexDefinition, item: Item | undefined): Item | null => {
  if (item?.[index.partitionKey.name] === undefined || item[index.sortKey.name] === undefined) return null;
  const names = new Set([table.partitionKey.name, table.sortKey.name, index.partitionKey.name, index.sortKey.name, ...index.projectedAttributes]);
  return Object.fromEntries([...names].filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The index writes of one item changing from `before` to `after` (either absent). */
const indexWriteUnits = (table: TableDefinition, before: Item | undefined, after: Item | undefined) =>
  table.globalSecondaryIndexes.reduce((sum, index) => {
    const [was, is] = [indexEntry(table, index, before), indexEntry(table, index, after)];
    if (!was && !is) return sum;
    if (!was || !is) return sum + writeUnitsOf(itemBytes((was ?? is)!));
    const keyChanged = !same(was[index.partitionKey.name], is[index.partitionKey.name]) || !same(was[index.sortKey.name], is[index.sortKey.name]);
    if (keyChanged) return sum + writeUnitsOf(itemBytes(was)) + writeUnitsOf(itemBytes(is));
    return same(was, is) ? sum : sum + writeUnitsOf(itemBytes(is));
  }, 0);

/**
 * Write units of the targets, given each one's item before the write and, for an update, after
 * it (a put's new item is its own, a delete leaves none). Index writes are billed at the
 * standard rate in a transaction too: the guide doubles a transaction's item writes and names
 * no other rate for the index writes they cause.
 */
export const writeUnits = (targets: readonly WriteTarget[], before: readonly (Item | undefined)[], afterUpdate: readonly (Item | undefined)[]): number =>
  targets.reduce((sum, t, i) => {
    const after = t.kind === 'Put' ? t.item : t.kind === 'Update' ? afterUpdate[i] : t.kind === 'ConditionCheck' ? before[i] : undefined;
    const units = itemWriteUnits(before[i], after);
    return sum + (t.transactional ? 2 * units : units) + indexWriteUnits(t.table, before[i], after);
  }, 0);

/**
 * Write units of a single-item write whose condition failed: DynamoDB still bills the write, by
 * the item's size, and writes no index entry.
 */
export const conditionFailedUnits = (targets: readonly WriteTarget[], before: readonly (Item | undefined)[]): number =>
  targets.reduce((sum, t, i) => sum + itemWriteUnits(before[i], t.item), 0);

const readUnitsOf = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Read units of a read command from what it returned; 0 for a write. */
export const readUnits = (command: string, input: Record<string, unknown>, output: Record<string, unknown>): number => {
  switch (command) {
    case 'GetItem':
      return readUnitsOf(bytesOf(output.Item as Item | undefined), input.ConsistentRead === true);
    case 'BatchGetItem': {
      const requests = input.RequestItems as Record<string, { ConsistentRead?: boolean }>;
      const responses = (output.Responses ?? {}) as Record<string, Item[]>;
      return sum(
        Object.entries(responses).flatMap(([table, items]) => items.map((item) => readUnitsOf(itemBytes(item), requests[table]?.ConsistentRead === true))),
      );
    }
    case 'Query':
    case 'Scan':
      // What one page returned, added up before rounding.
      return readUnitsOf(sum(((output.Items ?? []) as Item[]).map(itemBytes)), input.ConsistentRead === true);
    case 'TransactGetItems':
      return sum(((output.Responses ?? []) as { Item?: Item }[]).map((response) => 2 * readUnitsOf(bytesOf(response.Item), true)));
    default:
      return 0;
  }
};
