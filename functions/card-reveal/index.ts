import { createCardRevealHandler } from '../admin-api/card-reveal.js';
import { awsBase, awsCardVault, awsGateways, awsOrderEvents, awsStaffAuthenticator } from '../runtime/aws.js';

/** Card reveal (and charging a held card): the only staff function that may decrypt a card (SPEC §7.6). */
export const revealCard = createCardRevealHandler({
  ...awsBase(),
  ...awsCardVault(),
  ...awsGateways(),
  ...awsOrderEvents(),
  ...awsStaffAuthenticator(),
});
