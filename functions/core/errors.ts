/** The error codes of the wire contract (SPEC §5) and their HTTP statuses. */
export const errorStatus = {
  invalid_json: 400,
  validation_failed: 400,
  idempotency_key_required: 400,
  unauthorized: 401,
  payment_declined: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_transition: 409,
  conflict: 409,
  idempotency_request_in_progress: 409,
  card_no_longer_held: 409,
  no_card_on_file: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unknown_sku: 422,
  out_of_stock: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** A failure the caller can act on; its message is safe to show (never echoes input). */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }
}

export const notFound = (what = 'Order') => new AppError('not_found', `${what} not found.`);

/** Card-testing limits reached (SPEC §12): answered 429 with `Retry-After` before any gateway call. */
export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'Too many payment attempts. Please try again later.');
  }
}
