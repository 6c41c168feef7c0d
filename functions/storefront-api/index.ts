import { awsBase, awsCardTesting, awsCardVault, awsGatewayName, awsMailer, awsWorkflow } from '../runtime/aws.js';
import { createStorefrontHandler } from './handler.js';

export const handler = createStorefrontHandler({ ...awsBase(), ...awsCardVault(), ...awsWorkflow(), ...awsMailer(), ...awsCardTesting(), ...awsGatewayName() });
