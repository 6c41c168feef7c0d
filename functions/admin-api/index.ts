import {
  awsBase,
  awsCardPurger,
  awsCardTesting,
  awsFulfillment,
  awsGateways,
  awsMailer,
  awsMonitoring,
  awsOrderEvents,
  awsSenderIdentity,
  awsStaffAuthenticator,
  awsWorkflow,
} from '../runtime/aws.js';
import { createAdminHandler } from './handler.js';

/** The back-office API. It never sees a card: it deletes held ones, so it gets a vault without a key. */
export const adminApi = createAdminHandler({
  ...awsBase(),
  ...awsCardPurger(),
  ...awsCardTesting(),
  ...awsGateways(),
  ...awsMailer(),
  ...awsWorkflow(),
  ...awsOrderEvents(),
  ...awsFulfillment(),
  ...awsMonitoring(),
  ...awsSenderIdentity(),
  ...awsStaffAuthenticator(),
});
