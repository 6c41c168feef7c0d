import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type KeyringNode,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';

/**
 * What a card's ciphertext is for; part of its encryption context with the order id (SPEC §7.1):
 * the card with its CVC while one authorization runs, or the held card alone.
 */
export type CardPurpose = 'card-attempt' | 'card-hold';

/** Seals and opens card fields, each bound to its order and purpose. */
export interface CardCipher {
  seal(orderId: string, purpose: CardPurpose, plaintext: string): Promise<Uint8Array>;
  open(orderId: string, purpose: CardPurpose, ciphertext: Uint8Array): Promise<string>;
}

export const kmsKeyring = (keyArn: string): KeyringNode => new KmsKeyringNode({ generatorKeyId: keyArn });

export const rawAesKeyring = (key: Uint8Array): KeyringNode =>
  new RawAesKeyringNode({
    keyName: 'local-card-key',
    keyNamespace: 'orders-local',
    unencryptedMasterKey: key,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

/** The AWS Encryption SDK with the given keyring. */
export const encryptionSdkCipher = (keyring: KeyringNode): CardCipher => {
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  // Committing, unsigned suite: smaller and faster than the signed default, still key-committing.
  const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
  return {
    async seal(orderId, purpose, plaintext) {
      const { result } = await encrypt(keyring, plaintext, { encryptionContext: { orderId, purpose }, suiteId });
      return result;
    },
    /** The SDK does not compare the context for us: a ciphertext moved to another order must not open. */
    async open(orderId, purpose, ciphertext) {
      const { plaintext, messageHeader } = await decrypt(keyring, ciphertext);
      const context = messageHeader.encryptionContext;
      if (context.orderId !== orderId || context.purpose !== purpose) {
        throw new Error('card ciphertext does not belong to this order');
      }
      return plaintext.toString('utf8');
    },
  };
};
