import { type CardRevealDeps, revealCard } from '../core/admin/card-reveal.js';
import { createApiHandler, operation } from '../http/api-handler.js';
import { requireStaff, staffMemberOf } from '../http/auth.js';
import { withAuditTrail } from './audit.js';
import type { StaffApiDeps } from './handler.js';
import { revealCardSchema } from './schemas.js';

/**
 * `POST /admin/orders/{id}/card/reveal` (admins only). A function of its own in AWS: the only
 * staff function with kms:Decrypt on the card key (SPEC §7.6).
 */
export const createCardRevealHandler = (deps: CardRevealDeps & StaffApiDeps) =>
  withAuditTrail(
    'cardReveal',
    createApiHandler('cardReveal', {
      revealCard: operation({
        body: revealCardSchema,
        handle: async (request) => {
          const card = await revealCard(deps, { orderId: request.pathParameters.id!, actor: staffMemberOf(request).username, reason: request.body.reason });
          return { status: 200, body: { card } };
        },
      }),
    }).use(requireStaff('cardReveal', deps.authenticate)),
    deps,
  );
