import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Text stored deflated, as a binary attribute: DynamoDB bills every write by the started KB of
 * the whole item, so the large, repetitive parts of an item (an order's history, a stored
 * response) are kept small. Reading takes either form, so items written before read as they were.
 */
export const deflated = (text: string): Uint8Array => deflateRawSync(text);

export const inflated = (value: unknown): unknown => (value instanceof Uint8Array ? inflateRawSync(value).toString('utf8') : value);
