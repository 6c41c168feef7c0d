import { describe, expect, it } from 'vitest';
import { cardVaultTable, ordersTable, type TableDefinition } from '../../contract/tables.js';
import { conditionFailedUnits, itemBytes, readUnits, writeTargets, writeUnits } from '../../functions/local/dynamodb-billing.js';

const sized = (bytes: number) => ({ pk: 'p', sk: 's', pad: 'x'.repeat(bytes - 'pk'.length - 1 - 'sk'.length - 1 - 'pad'.length) });

describe('DynamoDB item sizes', () => {
  it('counts names and values as the developer guide does', () => {
    expect(itemBytes({ pk: 'ORDER#1' })).toBe(2 + 7);
    expect(itemBytes({ s: 'é' })).toBe(1 + 2);
    expect(itemBytes({ n: 1999 })).toBe(1 + 3);
    expect(itemBytes({ n: 120, m: 0.05 })).toBe(1 + 2 + (1 + 2));
    expect(itemBytes({ ok: true, no: null })).toBe(2 + 1 + (2 + 1));
    expect(itemBytes({ b: new Uint8Array(10) })).toBe(1 + 10);
    expect(itemBytes({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemBytes({ m: { a: 'xy' } })).toBe(1 + 3 + (1 + 1 + 2));
    expect(itemBytes({ m: {}, gone: undefined })).toBe(1 + 3);
    expect(itemBytes(sized(1500))).toBe(1500);
  });
});

describe('write units', () => {
  const plain: TableDefinition = { ...cardVaultTable };
  const indexed: TableDefinition = {
    ...ordersTable,
    globalSecondaryIndexes: [
      { indexName: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' }, projectedAttributes: ['since'] },
    ],
  };
  const tableOf = (name: string) => (name === 'Indexed' ? indexed : plain);
  const key = { pk: 'p', sk: 's' };

  it('bill the larger of the item before and after, per started KB, twice in a transaction', () => {
    const put = writeTargets('PutItem', { TableName: 'T', Item: sized(1500) }, tableOf);
    expect(put).toEqual([{ kind: 'Put', table: plain, tableName: 'T', key, item: sized(1500), transactional: false }]);
    expect(writeUnits(put, [undefined], [undefined])).toBe(2);
    expect(writeUnits(put, [sized(3000)], [undefined])).toBe(3);

    const update = writeTargets('UpdateItem', { TableName: 'T', Key: key }, tableOf);
    expect(writeUnits(update, [sized(100)], [sized(2100)])).toBe(3);
    expect(writeUnits(writeTargets('DeleteItem', { TableName: 'T', Key: key }, tableOf), [sized(1100)], [undefined])).toBe(2);

    // Two one-item puts in a transaction: 4 units (DynamoDB Local reports 2).
    const transaction = writeTargets(
      'TransactWriteItems',
      { TransactItems: [{ Put: { TableName: 'T', Item: { pk: 'a', sk: 'a' } } }, { Put: { TableName: 'T', Item: { pk: 'b', sk: 'b' } } }] },
      tableOf,
    );
    expect(transaction.map((t) => t.transactional)).toEqual([true, true]);
    expect(writeUnits(transaction, [undefined, undefined], [undefined, undefined])).toBe(4);
  });

  it('add a write per index entry put, changed or removed, two when its key changes, at the standard rate', () => {
    const put = (item: Record<string, unknown>) =>
      writeTargets('TransactWriteItems', { TransactItems: [{ Put: { TableName: 'Indexed', Item: item } }] }, tableOf);
    const placed = { ...key, status: 'PLACED', createdAt: '2026-01-01', since: '1' };
    expect(writeUnits(put(placed), [undefined], [undefined])).toBe(2 + 1);
    expect(writeUnits(put({ ...placed, note: 'x' }), [placed], [undefined])).toBe(2);
    expect(writeUnits(put({ ...placed, since: '2' }), [placed], [undefined])).toBe(2 + 1);
    expect(writeUnits(put({ ...placed, status: 'SHIPPED' }), [placed], [undefined])).toBe(2 + 2);
    expect(writeUnits(put(key), [placed], [undefined])).toBe(2 + 1);
    expect(writeUnits(writeTargets('DeleteItem', { TableName: 'Indexed', Key: key }, tableOf), [placed], [undefined])).toBe(1 + 1);
  });

  it('bill a write whose condition failed by the item, with no index write', () => {
    const placed = { ...key, status: 'PLACED', createdAt: '2026-01-01', since: '1' };
    expect(conditionFailedUnits(writeTargets('PutItem', { TableName: 'Indexed', Item: { ...placed, since: '2' } }, tableOf), [sized(1500)])).toBe(2);
    expect(conditionFailedUnits(writeTargets('UpdateItem', { TableName: 'T', Key: key }, tableOf), [undefined])).toBe(1);
  });

  it('finds nothing to write in a read', () => {
    expect(writeTargets('GetItem', { TableName: 'T', Key: key }, tableOf)).toEqual([]);
  });
});

describe('read units', () => {
  it('bill per started 4 KB returned, half when eventually consistent', () => {
    expect(readUnits('GetItem', { ConsistentRead: true }, { Item: sized(5000) })).toBe(2);
    expect(readUnits('GetItem', {}, { Item: sized(5000) })).toBe(1);
    expect(readUnits('GetItem', { ConsistentRead: true }, {})).toBe(1);
    expect(readUnits('Query', {}, { Items: [sized(2000), sized(2000), sized(2000)] })).toBe(1);
    expect(readUnits('Query', { ConsistentRead: true }, { Items: [sized(2000), sized(2000), sized(2000)] })).toBe(2);
    expect(readUnits('BatchGetItem', { RequestItems: { T: { ConsistentRead: true } } }, { Responses: { T: [sized(100), sized(5000)] } })).toBe(3);
    expect(readUnits('PutItem', {}, {})).toBe(0);
  });
});
