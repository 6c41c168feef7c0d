import { awsBase, awsCardTesting, awsCardVault, awsGatewayName, awsOrderEvents, awsWorkflow } from '../runtime/aws.js';
import { createStorefrontHandler } from './handler.js';

export const handler = createStorefrontHandler({
  ...awsBase(),
  ...awsCardVault(),
  ...awsWorkflow(),
  ...awsOrderEvents(),
  ...awsCardTesting(),
  ...awsGatewayName(),
});
