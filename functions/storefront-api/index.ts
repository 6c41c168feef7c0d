import { awsBase, awsCardVault, awsFingerprintSecret, awsMailer, awsWorkflow } from '../runtime/aws.js';
import { createStorefrontHandler } from './handler.js';

export const handler = createStorefrontHandler({ ...awsBase(), ...awsCardVault(), ...awsWorkflow(), ...awsMailer(), ...awsFingerprintSecret() });
