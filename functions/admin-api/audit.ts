import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type RouteTarget, routesFor } from '../../contract/routes.js';
import { maskCardNumbers } from '../core/free-text.js';
import type { AuditEvent, AuditTrail, Clock } from '../core/ports.js';
import { staffMemberOfEvent } from '../http/auth.js';
import { logger } from '../http/logger.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

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

/**
 * Wraps a staff API handler so that the outcome of every request that changes something, and
 * of every refused request, is appended to the audit trail with its actor (SPEC §4.2, PCI DSS
 * 10.2). Only the route, the path parameters (card-shaped digits masked) and the outcome are
 * kept, never a body. A failed audit write is logged; the answer already decided stands.
 */
export const withAuditTrail = (target: RouteTarget, handler: ProxyHandler, deps: { readonly audit: AuditTrail; readonly clock: Clock }): ProxyHandler => {
  const routes = routesFor(target);
  return async (event, context) => {
    const response = await handler(event, context);
    const route = routes.find((r) => r.path === event.resource && r.method === event.httpMethod);
    if (!route || (route.method === 'GET' && !refused(response.statusCode))) return response;
    const { id, action, ...otherParameters } = event.pathParameters ?? {};
    const auditEvent: AuditEvent = {
      at: deps.clock.now().toISOString(),
      actor: staffMemberOfEvent(event)?.username ?? 'anonymous',
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
      logger.error('audit trail write failed', { action: auditEvent.action, outcome: auditEvent.outcome, error: error instanceof Error ? error.name : 'unknown' });
    }
    return response;
  };
};
