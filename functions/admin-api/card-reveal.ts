import { type CardRevealDeps, revealCard } from '../core/admin/card-reveal.js';
import { createApiHandler } from '../http/api-handler.js';
import type { StaffApiDeps } from './handler.js';
import { adminContract } from './schemas.js';

/**
 * `POST /admin/orders/{id}/card/reveal` (admins only). A function of its own in AWS: the only
 * staff function with kms:Decrypt on the card key (SPEC §7.6).
 */
export const createCardRevealHandler = (deps: CardRevealDeps & StaffApiDeps) =>
  createApiHandler(
    'cardReveal',
    adminContract,
    {
      revealCard: async (request) => {
        const card = await revealCard(deps, { orderId: request.pathParameters.id, actor: request.staff.username, reason: request.body.reason });
        return { status: 200, body: { card } };
      },
    },
    { staff: deps },
  );
