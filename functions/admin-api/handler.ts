import * as z from 'zod';
import { saveProduct } from '../core/admin/catalog-admin.js';
import { changeSettings, type StoreSettingsDeps } from '../core/admin/store-settings.js';
import type { OrderActionDeps } from '../core/admin/order-actions.js';
import { recordPaidOrder } from '../core/admin/record-order.js';
import { type ReportDeps, reportSummary } from '../core/admin/reports.js';
import type { CheckoutDeps } from '../core/checkout.js';
import type { FulfillmentDeps } from '../core/fulfillment.js';
import { type MonitorDeps, runStuckOrderMonitor } from '../core/monitor.js';
import { AppError, notFound } from '../core/errors.js';
import { type Order, toOrderSummary, toOrderView } from '../core/order.js';
import type { IdempotencyStore } from '../core/idempotency.js';
import type { AuditTrail } from '../core/ports.js';
import { type ApiRequest, type ApiResult, createApiHandler, operation, zodDetails } from '../http/api-handler.js';
import { requireStaff, type StaffAuthenticator, staffMemberOf } from '../http/auth.js';
import { withAuditTrail } from './audit.js';
import { isOrderAction, type OrderActionDefinition, orderActions } from './order-actions.js';
import {
  auditQuery,
  ifMatchSchema,
  listOrdersQuery,
  productPatchSchema,
  adminContract,
  reportQuery,
  settingsPatchSchema,
  skuSchema,
} from './schemas.js';

export interface StaffApiDeps {
  readonly idempotency: IdempotencyStore;
  readonly audit: AuditTrail;
  readonly authenticate: StaffAuthenticator;
}

export type AdminDeps = CheckoutDeps & OrderActionDeps & ReportDeps & FulfillmentDeps & MonitorDeps & StoreSettingsDeps & StaffApiDeps;

/** Parses input the route-level schema let through (path parameters, headers, action bodies). */
const parseInput = <Schema extends z.ZodType>(schema: Schema, value: unknown, pathPrefix?: string): z.infer<Schema> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodDetails(result.error).map((d) => (pathPrefix ? { ...d, path: d.path ? `${pathPrefix}.${d.path}` : pathPrefix } : d));
  throw new AppError('validation_failed', 'The request is invalid.', details);
};

/** The query as the operation's `query` schema parsed it (the shared handler types it loosely). */
const queryOf = <Schema extends z.ZodType>(_schema: Schema, request: ApiRequest<unknown>) => request.query as unknown as z.infer<Schema>;

/** An order for staff, with its version as the ETag to send back in `If-Match`. */
const orderResult = (order: Order, status = 200): ApiResult => ({
  status,
  body: { order: toOrderView(order, 'staff') },
  headers: { etag: `"${order.version}"` },
});

const expectedVersion = (headers: Readonly<Record<string, string>>) =>
  headers['if-match'] === undefined || headers['if-match'].trim() === '*' ? null : parseInput(ifMatchSchema, headers['if-match'], 'headers.If-Match');

/** The back-office API (SPEC §5.2): thin operations over the core use cases, behind staff authentication. */
export const createAdminHandler = (deps: AdminDeps) =>
  withAuditTrail(
    'admin',
    createApiHandler('admin', {
      listOrders: operation({
        query: listOrdersQuery,
        handle: async (request) => {
          const query = queryOf(listOrdersQuery, request);
          const page = await deps.orders.list(query);
          return { status: 200, body: { orders: page.orders.map((order) => toOrderSummary(order, 'staff')), nextCursor: page.nextCursor } };
        },
      }),

      recordOrder: operation({
        ...adminContract.recordOrder,
        handle: async (request) => orderResult(await recordPaidOrder(deps, request.body, staffMemberOf(request).username), 201),
      }),

      getStaffOrder: operation({
        handle: async (request) => {
          const order = await deps.orders.get(request.pathParameters.id!);
          if (!order) throw notFound();
          return orderResult(order);
        },
      }),

      applyOrderAction: operation({
        body: z.unknown(),
        handle: async (request) => {
          const name = request.pathParameters.action!;
          if (!isOrderAction(name)) throw new AppError('not_found', 'There is no such order action.');
          const definition: OrderActionDefinition<AdminDeps> = orderActions[name];
          const input = parseInput(definition.body, request.body);
          const staff = { orderId: request.pathParameters.id!, actor: staffMemberOf(request).username, expectedVersion: expectedVersion(request.headers) };
          return orderResult(await definition.run(deps, staff, input));
        },
      }),

      getReportSummary: operation({
        query: reportQuery,
        handle: async (request) => ({ status: 200, body: await reportSummary(deps, queryOf(reportQuery, request)) }),
      }),

      getSettings: operation({ handle: async () => ({ status: 200, body: await deps.settings.get() }) }),

      updateSettings: operation({
        body: settingsPatchSchema,
        handle: async (request) => ({ status: 200, body: await changeSettings(deps, request.body) }),
      }),

      putProduct: operation({
        body: productPatchSchema,
        handle: async (request) => {
          const sku = parseInput(skuSchema, request.pathParameters.sku, 'sku');
          return { status: 200, body: { product: await saveProduct(deps.catalog, sku, request.body) } };
        },
      }),

      runMonitor: operation({
        handle: async () => ({ status: 200, body: await runStuckOrderMonitor(deps, deps.clock.now()) }),
      }),

      listAuditEvents: operation({
        query: auditQuery,
        handle: async (request) => {
          const query = queryOf(auditQuery, request);
          const day = query.day ?? deps.clock.now().toISOString().slice(0, 10);
          return { status: 200, body: await deps.audit.list({ day, limit: query.limit, cursor: query.cursor }) };
        },
      }),
    }, { idempotency: { store: deps.idempotency, clock: deps.clock } }).use(requireStaff('admin', deps.authenticate)),
    deps,
  );
