import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** What a card ciphertext is for: the `purpose` of its encryption context (functions/adapters/card-cipher.ts). */
export type CardPurpose = 'card-attempt' | 'card-hold';

/** The Encryption SDK's KMS keyring seals with GenerateDataKey (one key, no Encrypt) and opens with Decrypt. */
const useActions = { seal: ['kms:GenerateDataKey'], open: ['kms:Decrypt'] } as const;
export type CardKeyUse = keyof typeof useActions;

/** Managing the key, never using it: no Encrypt, Decrypt, GenerateDataKey*, ReEncrypt* or CreateGrant. */
const administrationActions = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * The customer-managed key behind the Encryption SDK's KMS keyring: card data is encrypted
 * field-level with it (SPEC §7.1). Its key policy is the whole story of who may use it: the
 * account administers it but cannot use it, and each function that seals or opens cards is
 * named with the purposes it may use the key for (SPEC §7.6, PCI DSS 3.6/3.7, 7.2).
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
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AdministerNotUse',
            principals: [new AccountRootPrincipal()],
            actions: administrationActions,
            resources: ['*'],
          }),
        ],
      }),
    });
  }

  /** Lets the role seal or open card data, only under the given purposes of the encryption context. */
  allow(role: IRole, use: CardKeyUse, purposes: readonly CardPurpose[]): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [role],
        actions: [...useActions[use]],
        resources: ['*'],
        // A request without the purpose in its context matches no value, so it is refused.
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': [...purposes] } },
      }),
    );
  }
}
