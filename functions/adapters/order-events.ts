import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { orderEventSource, orderPlacedDetailType } from '../../contract/order-events.js';
import type { OrderEvents, OrderPlacedEvent } from '../core/ports.js';

/** AWS: `OrderPlaced` on the stack's event bus; a rule there triggers the fulfillment push. */
export class EventBridgeOrderEvents implements OrderEvents {
  private readonly client = new EventBridgeClient({});

  constructor(private readonly busName: string) {}

  async orderPlaced(event: OrderPlacedEvent): Promise<void> {
    if (!this.busName) throw new Error('no event bus configured (ORDER_EVENTS_BUS)');
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.busName, Source: orderEventSource, DetailType: orderPlacedDetailType, Detail: JSON.stringify(event) }],
      }),
    );
    if (result.FailedEntryCount) {
      const failed = result.Entries?.find((entry) => entry.ErrorCode);
      throw Object.assign(new Error(failed?.ErrorMessage ?? 'the event was not accepted'), { name: failed?.ErrorCode ?? 'PutEventsFailed' });
    }
  }
}
