import { awsBase, awsMailer } from '../runtime/aws.js';
import { createOrderMailHandler } from './handler.js';

export const orderMail = createOrderMailHandler({ ...awsBase(), ...awsMailer() });
