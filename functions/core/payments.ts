import type { Payment } from './order.js';

/** Payment gateways and what their answers mean to a customer (SPEC §5.1, §11). */

export const gatewayNames = ['sandbox', 'authorizenet', 'stripe'] as const;
export type GatewayName = (typeof gatewayNames)[number];

/** The decline reasons a customer may be told; anything else a gateway says is `card_declined`. */
export const declineReasons = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'incorrect_number',
  'avs_mismatch',
  'processing_error',
  'gateway_unavailable',
] as const;
export type DeclineReason = (typeof declineReasons)[number];

/**
 * The customer-facing reason for a gateway's own decline code. Codes that would help a card
 * tester (fraudulent, lost or stolen card, pick up, restricted, do not honor, …) are not in
 * the list, so they read as a plain `card_declined`; staff still see the gateway's code.
 */
export const customerDeclineReason = (gatewayCode: string): DeclineReason =>
  (declineReasons as readonly string[]).includes(gatewayCode) && gatewayCode !== 'gateway_unavailable' ? (gatewayCode as DeclineReason) : 'card_declined';

/**
 * What a customer reads for each decline reason: the storefront shows these words as they
 * are, so every storefront tells a declined customer the same thing.
 */
export const declineMessages: Record<DeclineReason | 'internal', string> = {
  card_declined: 'Your card was declined. Please use another card.',
  insufficient_funds: 'Your card has insufficient funds. Please use another card.',
  expired_card: 'Your card has expired. Please use another card.',
  incorrect_cvc: 'The security code (CVC) does not match the card. Check it, or use another card.',
  incorrect_number: 'The card number is not correct. Check it, or use another card.',
  avs_mismatch: 'The billing address does not match the card. Check the address, or use another card.',
  processing_error: 'The card could not be processed. Please try again, or use another card.',
  gateway_unavailable: 'The payment could not be processed right now and no money was taken. Please try again in a few minutes.',
  internal: 'The checkout could not be completed and no payment was taken. Please try again.',
};

/** A payment as an approved authorization leaves it: the gateway's ids, no decline. */
export const authorizedPayment = (payment: Payment, approval: { readonly authorizationCode: string; readonly transactionId: string }): Payment => ({
  ...payment,
  status: 'AUTHORIZED',
  authorizationCode: approval.authorizationCode,
  transactionId: approval.transactionId,
  declineReason: null,
  gatewayCode: null,
});
