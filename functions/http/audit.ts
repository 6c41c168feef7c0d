import type { APIGatewayProxyResult } from 'aws-lambda';
import { maskCardNumbers } from '../core/free-text.js';
import type { AuditEvent, AuditTrail, Clock } from '../core/ports.js';
import type { ApiMiddleware } from './api-handler.js';
import type { StaffAuthenticator } from './auth.js';
import { logger } from './logger.js';

const refused = (status: number) => status === 401 || status === 403;

/** The error code of an error response; success bodies (a revealed card!) are never read. */
const outcomeOf = (response: APIGatewayProxyResult): string => {
  if (response.statusCode < 400) return 'succeeded';
  try {
    return String(JSON.parse(response.body).error.code);
  } catch {
    return `status_${response.statusCode}`;
  }
};

/** What a staff API needs beside its operations: who may call it, and where their actions are kept. */
export interface StaffGuard {
  readonly authenticate: StaffAuthenticator;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

/**
 * Middleware for the staff APIs: the outcome of every request that changes something, and of
 * every refused request, is appended to the audit trail with its actor (SPEC §4.2, PCI DSS
 * 10.2). Only the route, the path parameters (card-shaped digits masked) and the outcome are
 * kept, never a body. A failed audit write is logged; the answer already decided stands.
 */
export const auditTrail = (deps: Pick<StaffGuard, 'audit' | 'clock'>): ApiMiddleware => {
  const record = async ({ event, context, response }: Parameters<NonNullable<ApiMiddleware['after']>>[0]) => {
    const route = context.route;
    if (!route || !response || (route.method === 'GET' && !refused(response.statusCode))) return;
    const { id, action, ...otherParameters } = event.pathParameters ?? {};
    const auditEvent: AuditEvent = {
      at: deps.clock.now().toISOString(),
      actor: context.staff?.username ?? 'anonymous',
      action: action ? `${route.operation}:${maskCardNumbers(action)}` : route.operation,
      outcome: outcomeOf(response),
      ...(id ? { orderId: maskCardNumbers(id) } : {}),
      requestId: event.requestContext?.requestId,
      data: {
        status: response.statusCode,
        ...Object.fromEntries(Object.entries(otherParameters).flatMap(([name, value]) => (value ? [[name, maskCardNumbers(value)]] : []))),
      },
    };
    try {
      await deps.audit.record(auditEvent);
    } catch (error) {
      logger.error('audit trail write failed', {
        action: auditEvent.action,
        outcome: auditEvent.outcome,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  };
  return { after: record, onError: record };
};
