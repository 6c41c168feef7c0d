import type { DeclineReason, GatewayName } from './payments.js';

/** Actors of automated entries; staff entries name the staff user, customers `customer`. */
export const actors = { system: 'system', customer: 'customer', fulfillment: 'fulfillment' } as const;

/** Emails the system sends about one order, each at most once (SPEC §8). */
export type OrderEmailKind =
  | 'receipt'
  | 'offline_notice'
  | 'payment_receipt'
  | 'shipping_notice'
  | 'customer_note'
  | 'quote'
  | 'cancellation_notice'
  | 'pay_link'
  | 'pay_link_reminder';

/** What the gateway answered one authorization of an order. */
export interface GatewayAnswer {
  readonly attempt: number;
  readonly approved: boolean;
  readonly gateway: GatewayName;
  readonly declineReason?: DeclineReason;
  /** The gateway's own decline code: staff see it, customers only `declineReason`. */
  readonly gatewayCode?: string;
}

/**
 * What happened to an order, one `data` shape per type. History is the timeline people read;
 * decisions read the order's typed fields, never these entries.
 */
export type HistoryEvent =
  | { readonly type: 'created' }
  | { readonly type: 'status'; readonly data?: { readonly reason: string } }
  | { readonly type: 'payment_retry'; readonly data: { readonly attempt: number } }
  | { readonly type: 'payment_attempt'; readonly data: GatewayAnswer }
  /** An admin charged the held card of an offline order through the gateway (SPEC §4.2). */
  | { readonly type: 'card_charged'; readonly data: GatewayAnswer }
  | { readonly type: 'payment_approved'; readonly data: { readonly authorizationCode: string; readonly note?: string } }
  | { readonly type: 'payment_captured'; readonly data: { readonly reference: string; readonly amountCents: number } }
  | { readonly type: 'payment_voided'; readonly data: { readonly reference: string } }
  | { readonly type: 'payment_void_failed'; readonly data: { readonly reason: string } }
  | { readonly type: 'shipped'; readonly data: { readonly carrier: string; readonly trackingNumber: string } }
  | { readonly type: 'invoiced'; readonly data: { readonly invoiceNumber: string } }
  | { readonly type: 'paid'; readonly data: { readonly reference: string } }
  | { readonly type: 'stock_released' }
  | { readonly type: 'checkout_failed' }
  | { readonly type: 'card_purged' }
  | { readonly type: 'card_revealed'; readonly data: { readonly reason: string } }
  | { readonly type: 'card_hold_flagged'; readonly data: { readonly heldDays: number } }
  | { readonly type: 'note'; readonly data: { readonly notifyCustomer: boolean } }
  | { readonly type: 'quote'; readonly data: { readonly amountCents: number } }
  | { readonly type: 'quote_accepted'; readonly data: { readonly supersededBy: string } }
  | { readonly type: 'quote_rejected' }
  | { readonly type: 'email_queued'; readonly data: { readonly kind: OrderEmailKind } }
  | { readonly type: 'email_sent'; readonly data: { readonly kind: OrderEmailKind; readonly to: string } }
  | { readonly type: 'email_failed'; readonly data: { readonly kind: OrderEmailKind; readonly to: string; readonly error: string; readonly pending: true } }
  | { readonly type: 'paged'; readonly data: { readonly since: string; readonly minutesStuck: number } }
  | { readonly type: 'page_failed'; readonly data: { readonly error: string } }
  | {
      readonly type: 'fulfillment_attempt';
      readonly data: { readonly attempt: number; readonly outcome: string; readonly ms: number; readonly status?: number; readonly error?: string };
    }
  | { readonly type: 'fulfillment_queued' }
  | { readonly type: 'fulfillment_queue_failed'; readonly data: { readonly error: string } }
  | { readonly type: 'fulfillment_retry' }
  | { readonly type: 'fulfillment_manual'; readonly data: { readonly externalRef: string } };

export type HistoryType = HistoryEvent['type'];

/** An entry as a use case writes it; the write path stamps `at`. */
export type NewHistoryEntry = HistoryEvent & {
  readonly actor: string;
  readonly message: string;
  readonly visibleToCustomer: boolean;
};

export type HistoryEntry = NewHistoryEntry & { readonly at: string };
