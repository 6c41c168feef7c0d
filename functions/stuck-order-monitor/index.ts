import { awsBase, awsMailer, awsMonitoring } from '../runtime/aws.js';
import { createStuckOrderMonitorHandler } from './handler.js';

export const stuckOrderMonitor = createStuckOrderMonitorHandler({ ...awsBase(), ...awsMailer(), ...awsMonitoring() });
