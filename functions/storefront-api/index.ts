import { awsAdapters } from '../runtime/aws.js';
import { createStorefrontHandler } from './handler.js';

export const handler = createStorefrontHandler(awsAdapters());
