import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { DynamoOrderRepository } from '../../functions/adapters/dynamo/orders-repository.js';
import { transition } from '../../functions/core/transitions.js';
import { updateOrder } from '../../functions/core/update-order.js';
import { api, type ApiResponse, cardPayment, checkoutBody, createProduct, outboxDrained, postCheckout, testCards, twin, uniqueEmail } from './helpers.js';

export type StaffUser = 'admin' | 'csr';

export const login = (username: string, password: string, extra: Record<string, unknown> = {}) =>
  api('POST', '/auth/login', { body: { username, password, ...extra } });

/** Keyed by twin as well: test files of different twins may share this module. */
const tokens = new Map<string, Promise<string>>();

/** A token for the local staff user, signed in once per twin and test worker. */
export const staffToken = (user: StaffUser): Promise<string> => {
  const key = `${twin().apiUrl} ${user}`;
  let token = tokens.get(key);
  if (!token) {
    token = login(user, twin().staffPasswords[user]).then((response) => {
      if (response.status !== 200) throw new Error(`${user} could not sign in: ${response.text}`);
      return response.body.token as string;
    });
    tokens.set(key, token);
  }
  return token;
};

export const staffApi = async <T = any>(
  user: StaffUser,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> => api<T>(method, path, { ...options, headers: { authorization: `Bearer ${await staffToken(user)}`, ...options.headers } });

/** `POST /admin/orders/{id}/{action}` as the given user. */
export const act = (user: StaffUser, orderId: string, action: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  staffApi(user, 'POST', `/admin/orders/${orderId}/${action}`, { body, headers });

export const staffOrder = async (orderId: string) => (await staffApi('admin', 'GET', `/admin/orders/${orderId}`)).body.order;

export const trackingView = async (orderId: string, trackingToken: string) =>
  (await api('GET', `/orders/${orderId}`, { headers: { 'X-Order-Token': trackingToken } })).body.order;

/** A checkout of `quantity` units of a fresh product by a fresh customer. */
export const placeOrder = async (
  options: { payment?: unknown; onDecline?: 'ask' | 'offline'; quantity?: number; priceCents?: number; stock?: number } = {},
) => {
  const email = uniqueEmail();
  const product = await createProduct({ stock: options.stock ?? 10, priceCents: options.priceCents ?? 2500 });
  const response = await postCheckout(
    checkoutBody({
      customer: { email, name: 'Ann Lee' },
      items: [{ sku: product.sku, quantity: options.quantity ?? 2 }],
      payment: options.payment === undefined ? cardPayment() : options.payment,
      onDecline: options.onDecline ?? 'ask',
    }),
  );
  if (response.status !== 201 && response.status !== 402) throw new Error(`checkout failed: ${response.text}`);
  await outboxDrained(response.body.order.id);
  return { email, product, order: response.body.order, trackingToken: response.body.trackingToken as string };
};

export const offlineOrder = () => placeOrder({ payment: cardPayment(testCards.declined), onDecline: 'offline' });
export const purchaseOrder = () => placeOrder({ payment: { method: 'purchase_order', poNumber: 'PO-77' } });

/**
 * The fulfillment hand-off (ORDER_PLACED → IN_PROCESS) belongs to another part of the system;
 * tests that start from IN_PROCESS apply its transition to the stored order directly.
 */
export const acceptForFulfillment = async (orderId: string) => {
  const orders = new DynamoOrderRepository(createDocumentClient(twin().dynamoDbUrl), 'Orders-local');
  await updateOrder(orders, orderId, (order) =>
    transition(order, 'fulfillmentAccepted', {}, [{ type: 'status', actor: 'fulfillment', message: 'Order in process', visibleToCustomer: true }], new Date()),
  );
};

/** History entries of one type. */
export const entriesOf = (order: { history: { type: string }[] }, type: string) => order.history.filter((entry) => entry.type === type);

/** Today's audit events of the given requests (by `x-request-id`), newest first, paging as far as needed. */
export const auditEventsOf = async (responses: readonly ApiResponse[]) => {
  const requestIds = responses.map((response) => response.headers.get('x-request-id'));
  const found: any[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await staffApi('admin', 'GET', `/admin/audit?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    found.push(...page.body.events.filter((event: { requestId: string }) => requestIds.includes(event.requestId)));
    cursor = page.body.nextCursor;
  } while (cursor && found.length < requestIds.length);
  return found;
};
