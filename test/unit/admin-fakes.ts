import { createLinks } from '../../functions/runtime/adapters.js';
import type { OrderActionDeps } from '../../functions/core/admin/order-actions.js';
import type { Order } from '../../functions/core/order.js';
import { type Email, type OrderRepository, type SettlementResult, type StockLine, VersionConflict } from '../../functions/core/ports.js';
import { defaultSettings } from '../../functions/core/settings.js';

type GatewayAnswer = SettlementResult | Error;
const answer = async (given: GatewayAnswer | undefined, fallback: SettlementResult) => {
  if (given instanceof Error) throw given;
  return given ?? fallback;
};

/** In-memory ports for the back-office use cases; `loseNextRace` makes one save meet a concurrent write. */
export const fakeActionDeps = (initial: Order, options: { capture?: GatewayAnswer; void?: GatewayAnswer } = {}) => {
  const stored = new Map([[initial.id, initial]]);
  const calls = {
    saves: 0,
    released: [] as { lines: readonly StockLine[]; token: string }[],
    purged: [] as string[],
    mails: [] as Email[],
    captures: 0,
    voids: 0,
    announced: [] as string[],
  };
  let conflictOnNextSave: ((order: Order) => Order) | null = null;
  const orders: OrderRepository = {
    create: async () => undefined,
    createReserving: async () => ({ ok: true }),
    get: async (id) => stored.get(id) ?? null,
    async save(next, previous) {
      if (conflictOnNextSave) {
        const concurrent = conflictOnNextSave(stored.get(next.id)!);
        conflictOnNextSave = null;
        stored.set(next.id, concurrent);
      }
      if (stored.get(next.id)!.version !== previous.version) throw new VersionConflict('changed');
      calls.saves += 1;
      stored.set(next.id, next);
    },
    discard: async () => undefined,
    list: async () => ({ orders: [], nextCursor: null }),
  };
  const deps: OrderActionDeps = {
    orders,
    catalog: {
      list: async () => [],
      get: async () => new Map(),
      put: async () => undefined,
      update: async () => null,
      reserve: async () => ({ ok: true }),
      release: async (lines, token) => void calls.released.push({ lines, token }),
    },
    vault: {
      hold: async () => 'ref',
      read: async () => null,
      keepWithoutCvc: async () => true,
      purge: async (_orderId, ref) => void calls.purged.push(ref),
    },
    gateway: {
      name: 'sandbox',
      authorize: async () => ({ approved: true, authorizationCode: 'SBX1', transactionId: 'SBXTX1' }),
      capture: async () => (calls.captures++, answer(options.capture, { ok: true, reference: 'CAP1' })),
      void: async () => (calls.voids++, answer(options.void, { ok: true, reference: 'VOID1' })),
    },
    mailer: { send: async (_from, email) => void calls.mails.push(email) },
    settings: { get: async () => defaultSettings, put: async () => undefined, update: async () => defaultSettings },
    links: createLinks('https://store.test'),
    clock: { now: () => new Date('2026-05-01T12:00:00Z') },
    events: { orderPlaced: async (event) => void calls.announced.push(event.orderId), emailsPending: async () => undefined },
  };
  return {
    deps,
    calls,
    current: () => stored.get(initial.id)!,
    /** The next save finds the order changed by `concurrentChange` first. */
    loseNextRace: (concurrentChange: (order: Order) => Order) => void (conflictOnNextSave = concurrentChange),
  };
};
