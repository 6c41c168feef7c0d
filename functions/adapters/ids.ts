import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../core/ports.js';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Order ids sort by creation time (timestamp prefix) and are unguessable (random suffix). */
export const randomIds: IdGenerator = {
  orderId: () => {
    const time = Date.now().toString(32).toUpperCase().padStart(9, '0');
    const random = Array.from(randomBytes(10), (b) => alphabet[b % 32]).join('');
    return `ord_${time}${random}`;
  },
  token: () => randomBytes(24).toString('base64url'),
};
