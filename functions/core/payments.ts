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
