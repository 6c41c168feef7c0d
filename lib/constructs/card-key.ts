import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The customer-managed key behind the Encryption SDK's KMS keyring: card data is encrypted
 * field-level with it (SPEC §7.1). Only functions that encrypt or decrypt cards get grants.
 */
export class CardKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Envelope encryption of held payment cards',
      enableKeyRotation: true,
      alias: `alias/${Stack.of(this).stackName}/card-data`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
