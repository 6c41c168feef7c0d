import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { orderEmailsPendingDetailType, orderEventSource, orderPlacedDetailType } from '../../contract/order-events.js';
import type { OrderEmailsPendingEvent, OrderEvents, OrderPlacedEvent } from '../core/ports.js';
import { logger } from '../http/logger.js';

// biome-ignore lint/suspicious/noExplicitAny: each rule's target types its own detail-type
type Handler<D> = (event: EventBridgeEvent<any, D>) => Promise<unknown>;

export interface DispatcherOptions {
  /** Re-invocations after a failed one, as Lambda's asynchronous invocation makes (at most 2). */
  readonly retries: number;
  /** Delay before each re-invocation (Lambda waits about 1 and then 2 minutes). */
  readonly retryDelayMs: number;
}

/**
 * The twin's EventBridge: each event is delivered after the publisher returns, as the same
 * EventBridge event the rule hands to Lambda, to every target whose rule takes its detail type
 * (contract/order-events.ts). A target that throws is invoked again after a delay; when its
 * retries are spent the event is dead-lettered for it (logged).
 */
export class InProcessEventDispatcher implements OrderEvents {
  private readonly targets = new Map<string, Handler<never>[]>();
  /** Invocations waiting for their time, each with how to deliver it at once if it is a first delivery. */
  private readonly timers = new Map<NodeJS.Timeout, (() => void) | null>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: DispatcherOptions) {}

  /** Binds a rule's target to the detail types the rule takes. */
  route<D>(detailTypes: readonly string[], handler: Handler<D>): void {
    for (const detailType of detailTypes) this.targets.set(detailType, [...(this.targets.get(detailType) ?? []), handler as Handler<never>]);
  }

  async orderPlaced(detail: OrderPlacedEvent): Promise<void> {
    this.publish(orderPlacedDetailType, detail);
  }

  async emailsPending(detail: OrderEmailsPendingEvent): Promise<void> {
    this.publish(orderEmailsPendingDetailType, detail);
  }

  private publish(detailType: string, detail: { readonly orderId: string }): void {
    if (this.stopped) throw new Error('the event dispatcher is stopped');
    const event: EventBridgeEvent<string, { readonly orderId: string }> = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: orderEventSource,
      account: '000000000000',
      time: new Date().toISOString(),
      region: process.env.AWS_REGION ?? 'us-east-1',
      resources: [],
      detail,
    };
    const targets = this.targets.get(detailType) ?? [];
    if (!targets.length) logger.error('event without a target', { detailType, orderId: detail.orderId });
    for (const handler of targets) this.schedule(event, handler, 0, 0);
  }

  private schedule(event: EventBridgeEvent<string, { readonly orderId: string }>, handler: Handler<never>, invocation: number, delayMs: number): void {
    const start = () => {
      this.timers.delete(timer);
      const run = this.invoke(event, handler, invocation).finally(() => this.running.delete(run));
      this.running.add(run);
    };
    const timer = setTimeout(start, delayMs);
    this.timers.set(timer, invocation === 0 ? start : null);
  }

  private async invoke(event: EventBridgeEvent<string, { readonly orderId: string }>, handler: Handler<never>, invocation: number): Promise<void> {
    try {
      await handler(event as never);
    } catch (error) {
      const failure = {
        detailType: event['detail-type'],
        orderId: event.detail.orderId,
        invocation,
        error: error instanceof Error ? error.name : String(error),
      };
      if (invocation < this.options.retries && !this.stopped) {
        logger.warn('event target failed; retrying', failure);
        this.schedule(event, handler, invocation + 1, this.options.retryDelayMs);
      } else {
        logger.error('event dead-lettered', failure);
      }
    }
  }

  /**
   * Delivers the events already published (a checkout answered while the twin stopped has its
   * hand-off and receipt done), drops pending re-invocations, and waits for what runs.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [timer, deliverNow] of [...this.timers]) {
      clearTimeout(timer);
      deliverNow?.();
    }
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
