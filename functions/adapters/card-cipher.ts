// The Encryption SDK's parts this code uses, not `@aws-crypto/client-node`: that entry also loads
// the RSA, caching and hierarchical keyrings, whose branch key store brings the DynamoDB client
// with every command. Every function imports this module through its composition root, so each
// bundle carried 51 KB of that (116 KB with card crypto) and 20–55 ms more cold start (measured).
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { KmsKeyringNode } from '@aws-crypto/kms-keyring-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy, type KeyringNode } from '@aws-crypto/material-management-node';

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

/** The AWS Encryption SDK with the given keyring. */
export const encryptionSdkCipher = (keyring: KeyringNode): CardCipher => {
  const { encrypt } = buildEncrypt(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const { decrypt } = buildDecrypt(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
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
