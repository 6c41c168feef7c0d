/**
 * The single route table. The CDK stack builds API Gateway resources from it and the local
 * twin's HTTP server dispatches with it; handlers look operations up by `resource` + method.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT';

/** Which Lambda serves the route; `local` routes exist only in the twin. */
export type RouteTarget = 'storefront' | 'admin' | 'local';

export interface RouteDefinition {
  readonly operation: string;
  readonly method: HttpMethod;
  /** API Gateway resource path, `{name}` marks a path parameter. */
  readonly path: string;
  readonly target: RouteTarget;
  /** Staff routes need a Cognito (or local) JWT; the handler verifies it again. */
  readonly auth: 'public' | 'staff';
  readonly summary: string;
}

export const routes = [
  { operation: 'getHealth', method: 'GET', path: '/health', target: 'storefront', auth: 'public', summary: 'Liveness check' },
  { operation: 'listProducts', method: 'GET', path: '/products', target: 'storefront', auth: 'public', summary: 'List the catalog' },
  { operation: 'checkout', method: 'POST', path: '/checkout', target: 'storefront', auth: 'public', summary: 'Place an order' },
  { operation: 'getOrder', method: 'GET', path: '/orders/{id}', target: 'storefront', auth: 'public', summary: 'Track an order with its token' },
  { operation: 'retryPayment', method: 'POST', path: '/orders/{id}/payment', target: 'storefront', auth: 'public', summary: 'Retry a declined card on an incomplete order' },
  { operation: 'submitOffline', method: 'POST', path: '/orders/{id}/offline', target: 'storefront', auth: 'public', summary: 'Submit a declined order for offline payment' },
  { operation: 'acceptQuote', method: 'POST', path: '/orders/{id}/quote/accept', target: 'storefront', auth: 'public', summary: 'Accept a repair quote and pay' },
  { operation: 'rejectQuote', method: 'POST', path: '/orders/{id}/quote/reject', target: 'storefront', auth: 'public', summary: 'Decline a repair quote' },
  { operation: 'getOpenApi', method: 'GET', path: '/openapi.json', target: 'storefront', auth: 'public', summary: 'This API as an OpenAPI 3.1 document' },
] as const satisfies readonly RouteDefinition[];

export type Operation = (typeof routes)[number]['operation'];

export const routesFor = (target: RouteTarget): RouteDefinition[] => routes.filter((r) => r.target === target);
