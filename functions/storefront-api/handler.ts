import { checkout, type CheckoutDeps, customerOrigin, retryPayment } from '../core/checkout.js';
import { checkoutResponse } from '../http/checkout-response.js';
import { type OfflineDeps, submitOffline } from '../core/offline.js';
import { toOrderView } from '../core/order.js';
import { payLinkView } from '../core/pay-link.js';
import { acceptQuote, rejectQuote } from '../core/quotes.js';
import { findOrderForCustomer } from '../core/tracking.js';
import type { IdempotencyStore } from '../core/idempotency.js';
import type { Fingerprints } from '../core/ports.js';
import { type ApiRequestBase, createApiHandler } from '../http/api-handler.js';
import { openApiDocument } from '../openapi/document.js';
import { storefrontContract } from './schemas.js';

export type StorefrontDeps = CheckoutDeps & OfflineDeps & { readonly idempotency: IdempotencyStore; readonly fingerprints: Fingerprints };

/** The tracking token travels in `X-Order-Token`, or as `?token=` for links in emails. */
const orderToken = (request: ApiRequestBase) => request.headers['x-order-token'] ?? request.event.queryStringParameters?.token;

/** The caller's address as API Gateway saw it (the socket's peer in the twin): card-testing limits count per client. */
const clientIpOf = (request: ApiRequestBase) => request.event.requestContext?.identity?.sourceIp ?? null;

const customerView = (order: Parameters<typeof toOrderView>[0]) => ({ order: toOrderView(order, 'customer') });

/** The public storefront API (SPEC §5.1): thin operations over the core use cases. */
export const createStorefrontHandler = (deps: StorefrontDeps) => {
  const customerOrder = (request: ApiRequestBase & { readonly pathParameters: { readonly id: string } }) =>
    findOrderForCustomer(deps.orders, request.pathParameters.id, orderToken(request));

  return createApiHandler(
    'storefront',
    storefrontContract,
    {
      getHealth: async () => ({ status: 200, body: { status: 'ok' } }),

      getOpenApi: async () => ({ status: 200, body: openApiDocument() }),

      listProducts: async () => {
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

      checkout: async (request) => checkoutResponse(await checkout(deps, request.body, { ...customerOrigin, clientIp: clientIpOf(request) }, request.claimed)),

      getOrder: async (request) => {
        const order = await customerOrder(request);
        // A declined order's pay link: the pay page shows what the server decides here.
        const payLink = payLinkView(order, await deps.settings.get(), deps.clock.now());
        return { status: 200, body: { order: { ...toOrderView(order, 'customer'), ...(payLink ? { payLink } : {}) } } };
      },

      retryPayment: async (request) =>
        checkoutResponse(
          await retryPayment(deps, await customerOrder(request), {
            card: request.body.payment.card,
            onDecline: request.body.onDecline,
            clientIp: clientIpOf(request),
          }),
        ),

      submitOffline: async (request) => ({ status: 200, body: customerView(await submitOffline(deps, await customerOrder(request))) }),

      acceptQuote: async (request) =>
        checkoutResponse(
          await acceptQuote(deps, await customerOrder(request), {
            payment: request.body.payment ?? null,
            onDecline: request.body.onDecline,
            clientIp: clientIpOf(request),
          }),
        ),

      rejectQuote: async (request) => ({ status: 200, body: customerView(await rejectQuote(deps, await customerOrder(request))) }),
    },
    { idempotency: { store: deps.idempotency, clock: deps.clock, fingerprints: deps.fingerprints } },
  );
};
