import { awsAdapters } from '../runtime/aws.js';
import { createOrderMailHandler } from './handler.js';

export const orderMail = createOrderMailHandler(awsAdapters());
