/**
 * The single route table. The CDK stack builds API Gateway resources from it and the local
 * twin's HTTP server dispatches with it; handlers look operations up by `resource` + method.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT';

/**
 * Which Lambda serves the route; `local` routes exist only in the twin. Card reveal (with the
 * charge of a held card) has a function of its own: the only staff function allowed to decrypt card data.
 */
export type RouteTarget = 'storefront' | 'admin' | 'cardReveal' | 'local';

export interface RouteDefinition {
  readonly operation: string;
  readonly method: HttpMethod;
  /** API Gateway resource path, `{name}` marks a path parameter. */
  readonly path: string;
  readonly target: RouteTarget;
  /**
   * `staff` (groups admin or csr) and `admin` (group admin) routes need a Cognito (or local)
   * JWT; API Gateway checks it and the handler verifies it again, then checks the group.
   */
  readonly auth: 'public' | 'staff' | 'admin';
  readonly summary: string;
}

export const routes = [
  { operation: 'getHealth', method: 'GET', path: '/health', target: 'storefront', auth: 'public', summary: 'Liveness check' },
  { operation: 'listProducts', method: 'GET', path: '/products', target: 'storefront', auth: 'public', summary: 'List the catalog' },
  { operation: 'checkout', method: 'POST', path: '/checkout', target: 'storefront', auth: 'public', summary: 'Place an order' },
  { operation: 'getOrder', method: 'GET', path: '/orders/{id}', target: 'storefront', auth: 'public', summary: 'Track an order with its token' },
  {
    operation: 'retryPayment',
    method: 'POST',
    path: '/orders/{id}/payment',
    target: 'storefront',
    auth: 'public',
    summary: 'Retry a declined card on an incomplete order',
  },
  {
    operation: 'submitOffline',
    method: 'POST',
    path: '/orders/{id}/offline',
    target: 'storefront',
    auth: 'public',
    summary: 'Submit a declined order for offline payment',
  },
  {
    operation: 'acceptQuote',
    method: 'POST',
    path: '/orders/{id}/quote/accept',
    target: 'storefront',
    auth: 'public',
    summary: 'Accept a repair quote and pay',
  },
  { operation: 'rejectQuote', method: 'POST', path: '/orders/{id}/quote/reject', target: 'storefront', auth: 'public', summary: 'Decline a repair quote' },
  { operation: 'getOpenApi', method: 'GET', path: '/openapi.json', target: 'storefront', auth: 'public', summary: 'This API as an OpenAPI 3.1 document' },
  { operation: 'listOrders', method: 'GET', path: '/admin/orders', target: 'admin', auth: 'staff', summary: 'Find orders by status or email, newest first' },
  { operation: 'recordOrder', method: 'POST', path: '/admin/orders', target: 'admin', auth: 'admin', summary: 'Record an order already paid elsewhere' },
  { operation: 'getStaffOrder', method: 'GET', path: '/admin/orders/{id}', target: 'admin', auth: 'staff', summary: 'An order with its full timeline' },
  // Before the generic action route: the twin takes the first match, API Gateway the static segment.
  {
    operation: 'chargeCard',
    method: 'POST',
    path: '/admin/orders/{id}/charge',
    target: 'cardReveal',
    auth: 'admin',
    summary: 'Charge the held card of an offline order through the payment gateway (audited)',
  },
  {
    operation: 'applyOrderAction',
    method: 'POST',
    path: '/admin/orders/{id}/{action}',
    target: 'admin',
    auth: 'staff',
    summary: 'Approve, ship, complete, invoice, mark paid, cancel, note or quote an order',
  },
  {
    operation: 'revealCard',
    method: 'POST',
    path: '/admin/orders/{id}/card/reveal',
    target: 'cardReveal',
    auth: 'admin',
    summary: 'Reveal a held card for a manual charge (audited)',
  },
  {
    operation: 'getWorkQueue',
    method: 'GET',
    path: '/admin/queue',
    target: 'admin',
    auth: 'staff',
    summary: 'Order counts per status and the orders stuck in Order Placed, for the work queue',
  },
  {
    operation: 'getDailyReport',
    method: 'GET',
    path: '/admin/reports/daily',
    target: 'admin',
    auth: 'staff',
    summary: 'Orders and revenue per day, from the per-day totals',
  },
  {
    operation: 'getReportSummary',
    method: 'GET',
    path: '/admin/reports/summary',
    target: 'admin',
    auth: 'staff',
    summary: 'Order counts and totals by status',
  },
  { operation: 'getSettings', method: 'GET', path: '/admin/settings', target: 'admin', auth: 'staff', summary: 'Store settings' },
  { operation: 'updateSettings', method: 'PUT', path: '/admin/settings', target: 'admin', auth: 'admin', summary: 'Change store settings (partial update)' },
  { operation: 'listCatalog', method: 'GET', path: '/admin/products', target: 'admin', auth: 'admin', summary: 'Products with their stock' },
  {
    operation: 'putProduct',
    method: 'PUT',
    path: '/admin/products/{sku}',
    target: 'admin',
    auth: 'admin',
    summary: 'Create or change a product (partial update)',
  },
  {
    operation: 'runMonitor',
    method: 'POST',
    path: '/admin/monitor/run',
    target: 'admin',
    auth: 'staff',
    summary: 'Run the stuck-order check now and page CSRs',
  },
  { operation: 'listAuditEvents', method: 'GET', path: '/admin/audit', target: 'admin', auth: 'admin', summary: 'Staff sign-ins and actions of one day' },
  { operation: 'login', method: 'POST', path: '/auth/login', target: 'local', auth: 'public', summary: 'Local twin only: sign in as a staff user' },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof routes)[number];

export type Operation = Route['operation'];

/** The route of one operation, with its literal method, path and auth. */
export type RouteOf<Op extends Operation> = Extract<Route, { operation: Op }>;

/** The operations one function serves: each needs a contract and a handler there. */
export type OperationOf<Target extends RouteTarget> = Extract<Route, { target: Target }>['operation'];

/** `'/orders/{id}/{action}'` → `'id' | 'action'`. */
export type PathParameterName<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}` ? Name | PathParameterName<Rest> : never;

export const routesFor = (target: RouteTarget): RouteDefinition[] => routes.filter((r) => r.target === target);
