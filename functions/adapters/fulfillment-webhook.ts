import { createHmac } from 'node:crypto';
import type { FulfillmentWebhook, WebhookDelivery } from '../core/ports.js';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the value of the `X-Signature` header. */
export const webhookSignature = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

const errorDetailChars = 200;

const describeFailure = (error: unknown, timeoutMs: number): string => {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return `network error${typeof code === 'string' ? ` (${code})` : ''}`;
};

/**
 * POSTs the order JSON to the merchant's webhook with `X-Signature`, a timeout, and no
 * redirects (a signed body is for this URL only). Answers what happened; the retry policy is
 * the use case's. `Idempotency-Key` lets the receiver drop a repeated delivery.
 */
export class HttpFulfillmentWebhook implements FulfillmentWebhook {
  constructor(
    private readonly url: string,
    private readonly secret: () => Promise<string>,
    private readonly timeoutMs = 5000,
  ) {}

  async deliver({ orderId, body }: { orderId: string; body: string }): Promise<WebhookDelivery> {
    const signature = webhookSignature(await this.secret(), body);
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-signature': signature,
          'idempotency-key': `fulfillment-${orderId}`,
          'user-agent': 'order-backend-fulfillment/1',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text().catch(() => '');
      if (response.status >= 200 && response.status < 300) return { kind: 'accepted', status: response.status };
      const detail = text.replace(/\s+/g, ' ').trim().slice(0, errorDetailChars);
      return { kind: 'rejected', status: response.status, error: `HTTP ${response.status}${detail ? `: ${detail}` : ''}` };
    } catch (error) {
      return { kind: 'unreachable', error: describeFailure(error, this.timeoutMs) };
    }
  }
}

/** No `FULFILLMENT_WEBHOOK_URL`: nothing to push to, the hand-off is accepted at once. */
export const unconfiguredWebhook: FulfillmentWebhook = {
  deliver: async () => ({ kind: 'not_configured' }),
};
