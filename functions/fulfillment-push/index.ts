import { awsBase, awsFulfillment } from '../runtime/aws.js';
import { createFulfillmentPushHandler } from './handler.js';

export const fulfillmentPush = createFulfillmentPushHandler({ ...awsBase(), ...awsFulfillment() });
