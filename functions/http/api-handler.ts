import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type RouteDefinition, type RouteTarget, routesFor } from '../../contract/routes.js';
import { AppError, type ErrorDetail } from '../core/errors.js';
import { requestFingerprint, runIdempotently, type IdempotencyStore } from '../core/idempotency.js';
import { type Clock, VersionConflict } from '../core/ports.js';
import { logger } from './logger.js';

export const maxBodyBytes = 64 * 1024;

export interface ApiRequest<Body = unknown> {
  readonly route: RouteDefinition;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body;
  /** The raw body as received: idempotency fingerprints it. */
  readonly rawBody: string | null;
  readonly requestId: string;
  readonly event: APIGatewayProxyEvent;
}

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Operation<Schema extends z.ZodType = z.ZodType> {
  readonly body?: Schema;
  /**
   * `required`: an `Idempotency-Key` must be sent and the first response for it is replayed
   * (SPEC §5.1); `optional`: the same when a key is sent, a plain request otherwise.
   */
  readonly idempotent?: 'required' | 'optional';
  readonly query?: z.ZodType;
  handle(request: ApiRequest<z.infer<Schema>>): Promise<ApiResult>;
}

/** Declares an operation with its body schema, so the handler's body is typed from it. */
export const operation = <Schema extends z.ZodType>(definition: Operation<Schema>): Operation<Schema> => definition;

export const errorBody = (code: AppError['code'], message: string, details: readonly ErrorDetail[] = []) => ({
  error: { code, message, ...(details.length ? { details } : {}) },
});

export const zodDetails = (error: z.ZodError): ErrorDetail[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

const validationFailed = (error: z.ZodError) => new AppError('validation_failed', 'The request is invalid.', zodDetails(error));

const lowerCaseHeaders = (headers: APIGatewayProxyEvent['headers']) =>
  Object.fromEntries(Object.entries(headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])));

const readBody = (event: APIGatewayProxyEvent, headers: Record<string, string>, schema: z.ZodType | undefined): unknown => {
  if (!schema) return undefined;
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > maxBodyBytes) throw new AppError('payload_too_large', 'The request body is larger than 64 KiB.');
  const contentType = headers['content-type'] ?? '';
  if (raw !== '' && !/^application\/(.+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Send the request body as application/json.');
  }
  let parsed: unknown = {};
  if (raw.trim() !== '') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new AppError('invalid_json', 'The request body is not valid JSON.');
    }
  }
  return parse(schema, parsed);
};

const responseHeaders = (requestId: string) => ({
  'content-type': 'application/json; charset=utf-8',
  'x-request-id': requestId,
  'cache-control': 'no-store',
});

const toResponse = (requestId: string, result: ApiResult): APIGatewayProxyResult => ({
  statusCode: result.status,
  headers: { ...responseHeaders(requestId), ...result.headers },
  body: JSON.stringify(result.body),
});

const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8 to 128 characters of A-Z, a-z, 0-9, _ and -');

const requireIdempotencyKey = (headers: Readonly<Record<string, string>>) => {
  const key = headers['idempotency-key'];
  if (!key) throw new AppError('idempotency_key_required', 'Send an Idempotency-Key header with this request.');
  const parsed = idempotencyKeySchema.safeParse(key);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'The request is invalid.', [{ path: 'headers.Idempotency-Key', message: parsed.error.issues[0]!.message }]);
  }
  return key;
};

export const errorResult = (error: unknown): ApiResult => {
  if (error instanceof AppError) return { status: error.status, body: errorBody(error.code, error.message, error.details) };
  if (error instanceof VersionConflict) {
    return { status: 409, body: errorBody('conflict', 'The order was changed by another request; reload it and try again.') };
  }
  logger.error('unhandled error', { error: error instanceof Error ? { name: error.name, stack: error.stack } : String(error) });
  return { status: 500, body: errorBody('internal', 'Something went wrong on our side. Please try again.') };
};

type ProxyRequest = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

const requestIdOf = (event: APIGatewayProxyEvent) => event.requestContext?.requestId ?? randomUUID();

/** Every failure, expected or not, leaves as the spec's error envelope with the request id. */
const errorEnvelope = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> => ({
  onError: async (request: ProxyRequest) => {
    request.response = toResponse(requestIdOf(request.event), errorResult(request.error));
  },
});

const parse = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(result.error);
  return result.data;
};

/**
 * The shared Lambda proxy handler for one API: routes by `resource` + method through the
 * route table, parses and validates, runs the operation, and answers in the error envelope.
 */
export interface ApiHandlerOptions {
  /** Needed when an operation is idempotent. */
  readonly idempotency?: { readonly store: IdempotencyStore; readonly clock: Clock };
}

export const createApiHandler = (target: RouteTarget, operations: Readonly<Record<string, Operation>>, options: ApiHandlerOptions = {}) => {
  const routes = routesFor(target);
  const missing = routes.filter((r) => !operations[r.operation]).map((r) => r.operation);
  if (missing.length) throw new Error(`no operation for routes: ${missing.join(', ')}`);
  const { idempotency } = options;
  if (!idempotency && Object.values(operations).some((o) => o.idempotent)) throw new Error('idempotent operations need an idempotency store');

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(errorEnvelope())
    .handler(async (event) => {
      const sameResource = routes.filter((r) => r.path === event.resource);
      const route = sameResource.find((r) => r.method === event.httpMethod);
      if (!route) {
        throw sameResource.length
          ? new AppError('method_not_allowed', `${event.httpMethod} is not allowed here.`)
          : new AppError('not_found', 'No such route.');
      }
      const definition = operations[route.operation]!;
      const headers = lowerCaseHeaders(event.headers);
      const rawQuery = event.queryStringParameters ?? {};
      const requestId = requestIdOf(event);
      const run = () =>
        definition.handle({
          route,
          pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
          query: (definition.query ? parse(definition.query, rawQuery) : rawQuery) as Record<string, string>,
          headers,
          body: readBody(event, headers, definition.body),
          rawBody: event.body,
          requestId,
          event,
        });
      if (!definition.idempotent || (definition.idempotent === 'optional' && !headers['idempotency-key'])) {
        return toResponse(requestId, await run());
      }

      const key = requireIdempotencyKey(headers);
      const outcome = await runIdempotently(
        idempotency!.store,
        { key, fingerprint: requestFingerprint(route.operation, event.path, event.body), now: idempotency!.clock.now() },
        async () => {
          // Client errors are part of the first answer and are replayed too.
          const result = await run().catch(errorResult);
          return { status: result.status, body: JSON.stringify(result.body) };
        },
      );
      return {
        statusCode: outcome.status,
        headers: { ...responseHeaders(requestId), ...(outcome.replayed ? { 'idempotent-replayed': 'true' } : {}) },
        body: outcome.body,
      };
    });
};
