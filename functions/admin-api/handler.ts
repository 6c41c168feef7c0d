import { saveProduct } from '../core/admin/catalog-admin.js';
import { changeSettings, type StoreSettingsDeps } from '../core/admin/store-settings.js';
import type { OrderActionDeps } from '../core/admin/order-actions.js';
import { recordPaidOrder } from '../core/admin/record-order.js';
import { dailyReport, type ReportDeps, reportSummary } from '../core/admin/reports.js';
import { mayAct, type StaffMember } from '../core/admin/staff.js';
import { workQueue } from '../core/admin/work-queue.js';
import { statusLabels } from '../core/status.js';
import { allowedActions } from './allowed-actions.js';
import type { CheckoutDeps } from '../core/checkout.js';
import type { FulfillmentDeps } from '../core/fulfillment.js';
import { type MonitorDeps, runStuckOrderMonitor } from '../core/monitor.js';
import { AppError, notFound } from '../core/errors.js';
import { type Order, toOrderSummary, toOrderView } from '../core/order.js';
import type { IdempotencyStore } from '../core/idempotency.js';
import type { AuditTrail } from '../core/ports.js';
import { type ApiResult, createApiHandler, parseInput } from '../http/api-handler.js';
import type { StaffAuthenticator } from '../http/auth.js';
import { isOrderAction, type OrderActionDefinition, orderActions } from './order-actions.js';
import { adminContract, ifMatchSchema } from './schemas.js';

export interface StaffApiDeps {
  readonly idempotency: IdempotencyStore;
  readonly audit: AuditTrail;
  readonly authenticate: StaffAuthenticator;
}

export type AdminDeps = CheckoutDeps & OrderActionDeps & ReportDeps & FulfillmentDeps & MonitorDeps & StoreSettingsDeps & StaffApiDeps;

/**
 * An order for staff, with its version as the ETag to send back in `If-Match`, and what this
 * staff member may do to it now (the dashboard renders exactly those forms).
 */
export const orderResult = (order: Order, member: StaffMember, now: Date, status = 200): ApiResult => ({
  status,
  body: { order: { ...toOrderView(order, 'staff'), allowedActions: allowedActions(order, member, now) } },
  headers: { etag: `"${order.version}"` },
});

/** `If-Match` as the order version an action applies to; absent or `*`: any version. */
export const expectedVersion = (headers: Readonly<Record<string, string>>) =>
  headers['if-match'] === undefined || headers['if-match'].trim() === '*' ? null : parseInput(ifMatchSchema, headers['if-match'], 'headers.If-Match');

/** The back-office API (SPEC §5.2): thin operations over the core use cases, behind staff authentication. */
export const createAdminHandler = (deps: AdminDeps) =>
  createApiHandler(
    'admin',
    adminContract,
    {
      listOrders: async (request) => {
        const page = await deps.orders.list(request.query);
        return { status: 200, body: { orders: page.orders.map((order) => toOrderSummary(order, 'staff')), nextCursor: page.nextCursor } };
      },

      recordOrder: async (request) => orderResult(await recordPaidOrder(deps, request.body, request.staff.username), request.staff, deps.clock.now(), 201),

      getStaffOrder: async (request) => {
        const order = await deps.orders.get(request.pathParameters.id);
        if (!order) throw notFound();
        return orderResult(order, request.staff, deps.clock.now());
      },

      applyOrderAction: async (request) => {
        const name = request.pathParameters.action;
        if (!isOrderAction(name)) throw new AppError('not_found', 'There is no such order action.');
        const definition: OrderActionDefinition<AdminDeps> = orderActions[name];
        if (!mayAct(request.staff, definition.role ?? 'staff')) throw new AppError('forbidden', 'Only admins may do this.');
        const input = parseInput(definition.body, request.body);
        const staff = { orderId: request.pathParameters.id, actor: request.staff.username, expectedVersion: expectedVersion(request.headers) };
        return orderResult(await definition.run(deps, staff, input), request.staff, deps.clock.now());
      },

      getWorkQueue: async () => {
        const queue = await workQueue(deps);
        return {
          status: 200,
          body: { tabs: queue.tabs, stuck: queue.stuck.map(({ order, ...entry }) => ({ ...entry, order: toOrderSummary(order, 'staff') })) },
        };
      },

      getReportSummary: async (request) => ({ status: 200, body: await reportSummary(deps, request.query) }),

      // With the status labels, for the report page's per-status table (the summary's keys).
      getDailyReport: async (request) => ({ status: 200, body: { ...(await dailyReport(deps, request.query)), statusLabels } }),

      getSettings: async () => ({ status: 200, body: await deps.settings.get() }),

      updateSettings: async (request) => ({ status: 200, body: await changeSettings(deps, request.body) }),

      listCatalog: async () => {
        const [products, settings] = await Promise.all([deps.catalog.list(), deps.settings.get()]);
        return { status: 200, body: { products: products.map((product) => ({ ...product, currency: settings.currency })) } };
      },

      putProduct: async (request) => ({ status: 200, body: { product: await saveProduct(deps.catalog, request.pathParameters.sku, request.body) } }),

      runMonitor: async () => ({ status: 200, body: await runStuckOrderMonitor(deps, deps.clock.now()) }),

      listAuditEvents: async (request) => {
        const { day = deps.clock.now().toISOString().slice(0, 10), limit, cursor } = request.query;
        return { status: 200, body: await deps.audit.list({ day, limit, cursor }) };
      },
    },
    { idempotency: { store: deps.idempotency, clock: deps.clock, fingerprints: deps.fingerprints }, staff: deps },
  );
