import { awsAdapters } from '../runtime/aws.js';
import { createStuckOrderMonitorHandler } from './handler.js';

export const stuckOrderMonitor = createStuckOrderMonitorHandler(awsAdapters());
