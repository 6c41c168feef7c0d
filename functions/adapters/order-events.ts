import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { orderEmailsPendingDetailType, orderEventSource, orderPlacedDetailType } from '../../contract/order-events.js';
import type { OrderEmailsPendingEvent, OrderEvents, OrderPlacedEvent } from '../core/ports.js';

/** AWS: order events on the stack's event bus; its rules trigger the fulfillment push and the order mail. */
export class EventBridgeOrderEvents implements OrderEvents {
  private readonly client = new EventBridgeClient({});

  constructor(private readonly busName: string) {}

  orderPlaced(event: OrderPlacedEvent): Promise<void> {
    return this.publish(orderPlacedDetailType, event);
  }

  emailsPending(event: OrderEmailsPendingEvent): Promise<void> {
    return this.publish(orderEmailsPendingDetailType, event);
  }

  private async publish(detailType: string, detail: object): Promise<void> {
    if (!this.busName) throw new Error('no event bus configured (ORDER_EVENTS_BUS)');
    const result = await this.client.send(
      new PutEventsCommand({ Entries: [{ EventBusName: this.busName, Source: orderEventSource, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
    );
    if (result.FailedEntryCount) {
      const failed = result.Entries?.find((entry) => entry.ErrorCode);
      throw Object.assign(new Error(failed?.ErrorMessage ?? 'the event was not accepted'), { name: failed?.ErrorCode ?? 'PutEventsFailed' });
    }
  }
}
