import { enteredStatusAt } from '../../functions/core/fulfillment.js';
import type { Order } from '../../functions/core/order.js';
import {
  type LinkedWrite,
  type OrderPage,
  type OrderQuery,
  type OrderRepository,
  type PlacedOrderIndex,
  type Reservation,
  type StockLine,
  VersionConflict,
} from '../../functions/core/ports.js';
import type { OrderRevision } from '../../functions/core/transitions.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** In memory a write linked to an order's is what it does, run when the order's write lands. */
export const memoryLinkedWrite = (apply: () => void): LinkedWrite => ({ apply }) as unknown as LinkedWrite;
export const applyLinked = (writes: readonly LinkedWrite[]) => {
  for (const write of writes) (write as unknown as { apply: () => void }).apply();
};

const page = (matching: Order[], query: { limit: number; cursor?: string | null }): OrderPage => {
  const offset = Number(query.cursor ?? 0);
  const orders = matching.slice(offset, offset + query.limit);
  return { orders: structuredClone(orders), nextCursor: offset + query.limit < matching.length ? String(offset + query.limit) : null };
};

/**
 * The order repository in memory, with the DynamoDB repository's version rule: a save lands
 * only while the stored order is still `previous`. Every call yields once, so concurrent
 * callers interleave; `beforeNextSave` lets a test slip a concurrent write in first.
 */
export class MemoryOrders implements OrderRepository, PlacedOrderIndex {
  readonly stored = new Map<string, Order>();
  readonly calls: string[] = [];
  saves = 0;
  private concurrentWrite: ((order: Order) => Order) | null = null;

  constructor(initial: readonly Order[] = []) {
    for (const order of initial) this.stored.set(order.id, structuredClone(order));
  }

  async create(order: Order) {
    await tick();
    this.stored.set(order.id, structuredClone(order));
  }

  /** SKUs a creation holding stock finds short; stock is not modelled beyond that. */
  readonly shortSkus = new Set<string>();

  async createReserving(order: Order, lines: readonly StockLine[], linked: readonly LinkedWrite[] = []): Promise<Reservation> {
    const short = lines.filter((line) => this.shortSkus.has(line.sku)).map((line) => line.sku);
    if (short.length) return { ok: false, shortSkus: short };
    await this.create(order);
    applyLinked(linked);
    return { ok: true };
  }

  async get(id: string) {
    this.calls.push('get');
    await tick();
    const order = this.stored.get(id);
    return order ? structuredClone(order) : null;
  }

  async save(next: OrderRevision, previous: Order, linked: readonly LinkedWrite[] = []) {
    this.calls.push('save');
    await tick();
    if (this.concurrentWrite) {
      const concurrent = this.concurrentWrite(this.order(next.id));
      this.concurrentWrite = null;
      this.stored.set(next.id, concurrent);
    }
    const current = this.stored.get(next.id);
    // As DynamoDB does for a write that asks for it, a lost race brings back the stored order.
    if (!current || current.version !== previous.version) {
      throw new VersionConflict(`order ${next.id} changed concurrently`, current ? structuredClone(current) : null);
    }
    this.saves += 1;
    this.stored.set(next.id, structuredClone(next));
    applyLinked(linked);
  }

  async discard(id: string) {
    this.stored.delete(id);
  }

  async list(query: OrderQuery): Promise<OrderPage> {
    this.calls.push('list');
    await tick();
    const matching = [...this.stored.values()]
      .filter((o) => (!query.status || o.status === query.status) && (!query.createdBefore || o.createdAt < query.createdBefore))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return page(matching, query);
  }

  async listPlacedUpTo(query: { placedUpTo: string; limit: number; cursor?: string | null }): Promise<OrderPage> {
    this.calls.push('listPlacedUpTo');
    await tick();
    const matching = [...this.stored.values()]
      .filter((o) => o.status === 'ORDER_PLACED' && enteredStatusAt(o) <= query.placedUpTo)
      .sort((a, b) => enteredStatusAt(a).localeCompare(enteredStatusAt(b)));
    return page(matching, query);
  }

  /** The next save finds the order changed by `change` first (another request won the race). */
  beforeNextSave(change: (order: Order) => Order) {
    this.concurrentWrite = change;
  }

  order(id: string): Order {
    return this.stored.get(id)!;
  }
}
