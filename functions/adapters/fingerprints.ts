import { createHmac } from 'node:crypto';
import type { Fingerprints } from '../core/ports.js';
import type { SecretSource } from './webhook-secret.js';

/** HMAC-SHA256 fingerprints under a secret read once (Secrets Manager in AWS, the data directory in the twin). */
export class HmacFingerprints implements Fingerprints {
  constructor(private readonly secret: SecretSource) {}

  async of(purpose: 'card' | 'client' | 'request', value: string): Promise<string> {
    return createHmac('sha256', await this.secret())
      .update(`${purpose}\n${value}`)
      .digest('hex');
  }
}
