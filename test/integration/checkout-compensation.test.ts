import { describe, expect, it } from 'vitest';
import { type CheckoutState, createCheckoutSteps } from '../../functions/core/checkout-steps.js';
import { checkoutDefinition } from '../../functions/local/checkout-definition.js';
import { LocalCheckoutWorkflow } from '../../functions/local/workflow-runner.js';
import { createLinks } from '../../functions/runtime/adapters.js';
import { anOrder } from '../support/fixtures.js';
import { emptyVault, MemoryCatalog, MemoryOrders, MemorySettings, RecordingEvents, TestClock } from '../support/ports.js';

/*
 * The compensation path of the checkout workflow, run through the state machine CDK
 * synthesizes (as the twin runs it) with one step failing unexpectedly. No twin is needed:
 * the steps get in-memory ports.
 */
const product = { sku: 'COMP-1', name: 'Compensated', priceCents: 1999, kind: 'standard' as const, stock: 5 };

const purchaseOrder = () =>
  anOrder({
    id: 'ord_COMP',
    status: 'INCOMPLETE',
    items: [{ sku: product.sku, name: product.name, kind: 'standard', quantity: 2, unitPriceCents: 1999, lineTotalCents: 3998 }],
    payment: { ...anOrder().payment, method: 'purchase_order', status: 'NONE', card: null, authorizationCode: null, poNumber: 'PO-1' },
    stock: { reserved: false, round: 0 },
    history: [],
  });

describe('the checkout workflow when a step fails unexpectedly', () => {
  it('releases the stock once and leaves the order INCOMPLETE with reason internal', async () => {
    const orders = new MemoryOrders([purchaseOrder()]);
    const catalog = new MemoryCatalog([product]);
    const steps = createCheckoutSteps({
      orders,
      catalog,
      settings: new MemorySettings(),
      vault: emptyVault,
      gateway: {
        name: 'sandbox',
        authorize: async () => {
          throw new Error('a purchase order is never authorized');
        },
        capture: async () => ({ ok: true, reference: 'CAP' }),
        void: async () => ({ ok: true, reference: 'VOID' }),
      },
      links: createLinks('https://shop.test'),
      clock: new TestClock(),
      events: new RecordingEvents(),
    });
    const stockSeenByPlacement: number[] = [];
    const failingPlacement = {
      ...steps,
      placeOrder: async (_state: CheckoutState): Promise<never> => {
        stockSeenByPlacement.push(catalog.stock.get(product.sku)!);
        throw new Error('the order table is unavailable');
      },
    };

    const run = await new LocalCheckoutWorkflow(await checkoutDefinition(), failingPlacement, 1).run({
      orderId: 'ord_COMP',
      cardRef: null,
      onDecline: 'ask',
      attempt: 1,
    });
    expect(run.status).toBe('failed');
    expect(stockSeenByPlacement).toEqual([3]);
    const order = orders.order('ord_COMP');
    expect(order).toMatchObject({ status: 'INCOMPLETE', stock: { reserved: false, round: 1 }, payment: { declineReason: 'internal' }, heldCard: null });
    expect(order.history.map((entry) => entry.type)).toEqual(['checkout_failed']);
    expect(catalog.stock.get(product.sku)).toBe(5);
    expect(catalog.releases).toEqual(['ord_COMP.0.release']);

    // The compensation re-run (a retried Lambda) changes nothing more.
    await steps.compensateCheckout({ orderId: 'ord_COMP', cardRef: null, onDecline: 'ask', attempt: 1 });
    expect(catalog.releases).toHaveLength(1);
    expect(catalog.stock.get(product.sku)).toBe(5);
    expect(orders.order('ord_COMP').history.map((entry) => entry.type)).toEqual(['checkout_failed']);
  });
});
