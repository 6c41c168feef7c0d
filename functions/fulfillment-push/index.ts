import { awsAdapters } from '../runtime/aws.js';
import { createFulfillmentPushHandler } from './handler.js';

export const fulfillmentPush = createFulfillmentPushHandler(awsAdapters());
