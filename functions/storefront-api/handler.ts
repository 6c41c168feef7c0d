import { AppError } from '../core/errors.js';
import { checkout, checkoutResponse, type CheckoutDeps } from '../core/checkout.js';
import { toOrderView } from '../core/order.js';
import { findOrderForCustomer } from '../core/tracking.js';
import { createApiHandler, operation } from '../http/api-handler.js';
import { checkoutSchema, idempotencyKeySchema } from './schemas.js';

export type StorefrontDeps = CheckoutDeps;

const requireIdempotencyKey = (headers: Readonly<Record<string, string>>) => {
  const key = headers['idempotency-key'];
  if (!key) throw new AppError('idempotency_key_required', 'Send an Idempotency-Key header with this request.');
  const parsed = idempotencyKeySchema.safeParse(key);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'headers.Idempotency-Key', message: parsed.error.issues[0]!.message }]);
  }
  return key;
};

const orderToken = (request: { headers: Readonly<Record<string, string>>; event: { queryStringParameters: Record<string, string | undefined> | null } }) =>
  request.headers['x-order-token'] ?? request.event.queryStringParameters?.token;

/** The public storefront API (SPEC §5.1): thin operations over the core use cases. */
export const createStorefrontHandler = (deps: StorefrontDeps) =>
  createApiHandler('storefront', {
    getHealth: operation({ handle: async () => ({ status: 200, body: { status: 'ok' } }) }),

    listProducts: operation({
      handle: async () => {
        const [products, settings] = await Promise.all([deps.catalog.list(), deps.settings.get()]);
        return {
          status: 200,
          body: {
            products: products.map((p) => ({
              sku: p.sku,
              name: p.name,
              priceCents: p.priceCents,
              currency: settings.currency,
              kind: p.kind,
              inStock: p.stock > 0,
            })),
          },
        };
      },
    }),

    checkout: operation({
      body: checkoutSchema,
      handle: async (request) => {
        requireIdempotencyKey(request.headers);
        return checkoutResponse(await checkout(deps, request.body));
      },
    }),

    getOrder: operation({
      handle: async (request) => {
        const order = await findOrderForCustomer(deps.orders, request.pathParameters.id!, orderToken(request));
        return { status: 200, body: { order: toOrderView(order, 'customer') } };
      },
    }),
  });
