import { awsAdapters, awsStaffAuthenticator } from '../runtime/aws.js';
import { createCardRevealHandler } from './card-reveal.js';
import { createAdminHandler } from './handler.js';

const deps = { ...awsAdapters(), authenticate: awsStaffAuthenticator() };

/** Two Lambdas share this entry: the admin API, and card reveal (the only one granted kms:Decrypt). */
export const adminApi = createAdminHandler(deps);
export const revealCard = createCardRevealHandler(deps);
