import { type CardRevealDeps, revealCard } from '../core/admin/card-reveal.js';
import { chargeHeldCard, type OrderActionDeps } from '../core/admin/order-actions.js';
import { toOrderView } from '../core/order.js';
import { createApiHandler } from '../http/api-handler.js';
import { expectedVersion, orderResult, type StaffApiDeps } from './handler.js';
import { adminContract } from './schemas.js';

/**
 * `POST /admin/orders/{id}/card/reveal` and `POST /admin/orders/{id}/charge` (admins only). A
 * function of its own in AWS: the only staff function with kms:Decrypt on the card key (SPEC
 * §7.6). Both are on the audit trail and the order's timeline with their actor.
 */
export const createCardRevealHandler = (deps: CardRevealDeps & OrderActionDeps & StaffApiDeps) =>
  createApiHandler(
    'cardReveal',
    adminContract,
    {
      revealCard: async (request) => {
        const card = await revealCard(deps, { orderId: request.pathParameters.id, actor: request.staff.username, reason: request.body.reason });
        return { status: 200, body: { card } };
      },

      chargeCard: async (request) => {
        const staff = { orderId: request.pathParameters.id, actor: request.staff.username, expectedVersion: expectedVersion(request.headers) };
        const charged = await chargeHeldCard(deps, staff);
        if (charged.approved) return orderResult(charged.order);
        return {
          status: 402,
          body: {
            error: {
              code: 'payment_declined',
              message: charged.declineReason === 'gateway_unavailable' ? 'The gateway did not answer; the card was not charged.' : 'The card was declined.',
              declineReason: charged.declineReason,
            },
            order: toOrderView(charged.order, 'staff'),
          },
        };
      },
    },
    { staff: deps },
  );
