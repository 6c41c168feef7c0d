import { testCards } from '../test/support/fixtures.js';

export type CheckoutKind = 'approved' | 'declined' | 'offline' | 'purchase_order';

/**
 * A storefront checkout of one kind: a card the sandbox approves or declines (held offline on a
 * decline for `offline`), or a purchase order. The bench pays only with the sandbox's public test cards.
 */
export const checkoutBody = (
  kind: CheckoutKind,
  order: { readonly email: string; readonly name: string; readonly items: readonly { sku: string; quantity: number }[]; readonly poNumber: string },
) => ({
  customer: { email: order.email, name: order.name, phone: null },
  billingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
  shippingAddress: null,
  items: order.items,
  payment:
    kind === 'purchase_order'
      ? { method: 'purchase_order', poNumber: order.poNumber }
      : {
          method: 'card',
          card: {
            number: kind === 'approved' ? testCards.visa : testCards.declined,
            expMonth: 12,
            expYear: new Date().getUTCFullYear() + 3,
            cvc: '123',
            holderName: order.name,
          },
        },
  onDecline: kind === 'offline' ? 'offline' : 'ask',
});
