import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  type Operation,
  type OperationOf,
  type PathParameterName,
  type RouteDefinition,
  type RouteOf,
  type RouteTarget,
  routesFor,
} from '../../contract/routes.js';
import type { StaffMember } from '../core/admin/staff.js';
import { AppError, type ErrorDetail, RateLimited } from '../core/errors.js';
import { KeyNotClaimed, requestFingerprint, runIdempotently, type IdempotencyStore } from '../core/idempotency.js';
import { type Clock, type Fingerprints, VersionConflict } from '../core/ports.js';
import { auditTrail, type StaffGuard } from './audit.js';
import { requireStaff } from './auth.js';
import { logger } from './logger.js';

// zod's mini build loads no messages of its own: validation errors speak English, as in the twin.
z.config(en());

export const maxBodyBytes = 64 * 1024;
const maxPathParameterLength = 256;

/** The middy request context: the route is looked up once, and the staff member signed in travels with it. */
export interface ApiContext extends Context {
  route?: RouteDefinition;
  staff?: StaffMember;
}

/**
 * What one operation accepts, beside the method, path and auth the route table gives it. The
 * handler validates with these schemas and the OpenAPI document is generated from them.
 */
export interface OperationContract<Path extends string = string> {
  readonly body?: z.core.$ZodType;
  readonly query?: z.core.$ZodType;
  /** Checks path parameters beyond being present; their names come from the route's path. */
  readonly path?: z.core.$ZodType<Partial<Record<PathParameterName<Path>, string>>>;
  /**
   * `required`: an `Idempotency-Key` must be sent and the first response for it is replayed
   * (SPEC §5.1); `optional`: the same when a key is sent, a plain request otherwise.
   */
  readonly idempotent?: 'required' | 'optional';
  /**
   * The handler starts while the idempotency key is being claimed: it reads and prepares
   * meanwhile and awaits `request.claimed()` before its first write.
   */
  readonly preparesWhileClaiming?: true;
  /** The order's tracking token is accepted in `X-Order-Token`, or as `?token=` for links. */
  readonly orderToken?: boolean;
}

/** One contract for each operation `target` serves: a route without one fails the typecheck. */
export type ContractsFor<Target extends RouteTarget> = {
  readonly [Op in OperationOf<Target>]: OperationContract<RouteOf<Op>['path']>;
};

/** What the contract's `Part` schema parses to, `Otherwise` when the contract has none. */
type Parsed<Contract, Part extends 'body' | 'query', Otherwise> = Contract extends { readonly [K in Part]: infer Schema extends z.core.$ZodType }
  ? z.output<Schema>
  : Otherwise;

/** What every request carries, whatever its operation. */
export interface ApiRequestBase {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body as received: idempotency fingerprints it. */
  readonly rawBody: string | null;
  readonly requestId: string;
  readonly event: APIGatewayProxyEvent;
  /** Resolves once the idempotency key is this request's (at once for a request without one); rejects when it is another's. */
  readonly claimed: () => Promise<void>;
}

/** A request to `Op`, typed from its route (path parameters, staff) and its contract (body, query). */
export type ApiRequest<Op extends Operation, Contract> = ApiRequestBase & {
  readonly route: RouteOf<Op>;
  readonly pathParameters: Readonly<Record<PathParameterName<RouteOf<Op>['path']>, string>>;
  readonly query: Parsed<Contract, 'query', Readonly<Record<string, string>>>;
  readonly body: Parsed<Contract, 'body', undefined>;
} & (RouteOf<Op>['auth'] extends 'public' ? unknown : { readonly staff: StaffMember });

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One handler for each operation `target` serves, its request typed from the operation's contract. */
export type OperationHandlers<Target extends RouteTarget, Contracts extends ContractsFor<Target>> = {
  readonly [Op in OperationOf<Target>]: (request: ApiRequest<Op, Contracts[Op & keyof Contracts]>) => Promise<ApiResult>;
};

export const errorBody = (code: AppError['code'], message: string, details: readonly ErrorDetail[] = []) => ({
  error: { code, message, ...(details.length ? { details } : {}) },
});

/**
 * Messages never echo input: an unknown key is not named (it may be a card number sent as a
 * key), and any other message is our schema's own words about limits and shapes.
 */
const zodDetails = (error: z.core.$ZodError, pathPrefix?: string): ErrorDetail[] =>
  error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return {
      path: pathPrefix ? [pathPrefix, path].filter(Boolean).join('.') : path,
      message: issue.code === 'unrecognized_keys' ? 'Unknown fields are not accepted here.' : issue.message,
    };
  });

/** The value as `schema` parses it, or `400 validation_failed`; `pathPrefix` says where it came from (`headers.If-Match`). */
export const parseInput = <Schema extends z.core.$ZodType>(schema: Schema, value: unknown, pathPrefix?: string): z.output<Schema> => {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw new AppError('validation_failed', 'The request is invalid.', zodDetails(result.error, pathPrefix));
};

const lowerCaseHeaders = (headers: APIGatewayProxyEvent['headers']) =>
  Object.fromEntries(Object.entries(headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])));

const readBody = (event: APIGatewayProxyEvent, headers: Record<string, string>, schema: z.core.$ZodType | undefined): unknown => {
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
  return parseInput(schema, parsed);
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

const idempotencyKeySchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8 to 128 characters of A-Z, a-z, 0-9, _ and -'));

const requireIdempotencyKey = (headers: Readonly<Record<string, string>>) => {
  const key = headers['idempotency-key'];
  if (!key) throw new AppError('idempotency_key_required', 'Send an Idempotency-Key header with this request.');
  return parseInput(idempotencyKeySchema, key, 'headers.Idempotency-Key');
};

export const errorResult = (error: unknown): ApiResult => {
  if (error instanceof RateLimited) {
    return { status: error.status, body: errorBody(error.code, error.message), headers: { 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof AppError) return { status: error.status, body: errorBody(error.code, error.message, error.details) };
  if (error instanceof VersionConflict) {
    return { status: 409, body: errorBody('conflict', 'The order was changed by another request; reload it and try again.') };
  }
  logger.error('unhandled error', { error: error instanceof Error ? { name: error.name, stack: error.stack } : String(error) });
  return { status: 500, body: errorBody('internal', 'Something went wrong on our side. Please try again.') };
};

export type ApiMiddleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>;

const requestIdOf = (event: APIGatewayProxyEvent) => event.requestContext?.requestId ?? randomUUID();

/** Every failure, expected or not, leaves as the spec's error envelope with the request id. */
const errorEnvelope = (): ApiMiddleware => ({
  onError: async (request) => {
    request.response = toResponse(requestIdOf(request.event), errorResult(request.error));
  },
});

/** Finds the route of `resource` + method once; the middlewares after it and the handler read it from the context. */
const routeLookup = (routes: readonly RouteDefinition[]): ApiMiddleware => ({
  before: async (request) => {
    const { resource, httpMethod } = request.event;
    const sameResource = routes.filter((r) => r.path === resource);
    const route = sameResource.find((r) => r.method === httpMethod);
    if (!route) {
      throw sameResource.length ? new AppError('method_not_allowed', `${httpMethod} is not allowed here.`) : new AppError('not_found', 'No such route.');
    }
    request.context.route = route;
    request.context.staff = undefined;
  },
});

export interface ApiHandlerOptions {
  /** Needed when an operation is idempotent. */
  readonly idempotency?: { readonly store: IdempotencyStore; readonly clock: Clock; readonly fingerprints: Fingerprints };
  /** Staff APIs: tokens are checked before anything is read, and the outcome is audited. */
  readonly staff?: StaffGuard;
}

type AnyOperationHandler = (request: unknown) => Promise<ApiResult>;

/**
 * The shared Lambda proxy handler for one API: routes by `resource` + method through the
 * route table, parses and validates with the operation's contract, runs its handler, and
 * answers in the error envelope.
 */
export const createApiHandler = <Target extends RouteTarget, Contracts extends ContractsFor<Target>>(
  target: Target,
  contracts: Contracts,
  handlers: OperationHandlers<Target, Contracts>,
  options: ApiHandlerOptions = {},
) => {
  const routes = routesFor(target);
  const contractOf = (route: RouteDefinition): OperationContract => (contracts as Readonly<Record<string, OperationContract>>)[route.operation]!;
  const handlerOf = (route: RouteDefinition): AnyOperationHandler => (handlers as Readonly<Record<string, AnyOperationHandler>>)[route.operation]!;
  const { idempotency, staff } = options;
  if (!idempotency && routes.some((route) => contractOf(route).idempotent)) throw new Error('idempotent operations need an idempotency store');

  const api = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>();
  // The audit trail is outermost so that it sees the final answer, error envelope included.
  if (staff) api.use(auditTrail(staff));
  api.use(errorEnvelope()).use(routeLookup(routes));
  if (staff) api.use(requireStaff(staff.authenticate));

  return api.handler(async (event, context) => {
    const route = context.route;
    if (!route) throw new Error('the route lookup did not run');
    if (route.auth !== 'public' && !context.staff) throw new Error('a staff operation was reached without authentication');
    // Ids, actions and SKUs are short: a longer path segment names nothing (and would overflow a table key).
    if (Object.values(event.pathParameters ?? {}).some((value) => (value ?? '').length > maxPathParameterLength)) {
      throw new AppError('not_found', 'No such resource.');
    }
    const contract = contractOf(route);
    const headers = lowerCaseHeaders(event.headers);
    const requestId = requestIdOf(event);
    const pathParameters = event.pathParameters ?? {};
    const query = event.queryStringParameters ?? {};
    const run = (claimed: () => Promise<void>) =>
      handlerOf(route)({
        route,
        pathParameters: contract.path ? { ...pathParameters, ...(parseInput(contract.path, pathParameters) as object) } : pathParameters,
        query: contract.query ? parseInput(contract.query, query) : query,
        headers,
        body: readBody(event, headers, contract.body),
        rawBody: event.body,
        requestId,
        event,
        claimed,
        ...(context.staff ? { staff: context.staff } : {}),
      });
    if (!contract.idempotent || (contract.idempotent === 'optional' && !headers['idempotency-key'])) {
      return toResponse(requestId, await run(async () => undefined));
    }

    const key = requireIdempotencyKey(headers);
    let liveHeaders: Readonly<Record<string, string>> = {};
    const outcome = await runIdempotently(
      idempotency!.store,
      { key, fingerprint: await requestFingerprint(idempotency!.fingerprints, route.operation, event.path, event.body), now: idempotency!.clock.now() },
      async (claimed) => {
        // Client errors are part of the first answer and are replayed too.
        const result = await run(claimed).catch((error: unknown) => {
          // The key is another request's: its answer is replayed or refused, this one dropped.
          if (error instanceof KeyNotClaimed) throw error;
          return errorResult(error);
        });
        liveHeaders = result.headers ?? {};
        return { status: result.status, body: JSON.stringify(result.body) };
      },
      { startBeforeClaim: contract.preparesWhileClaiming === true },
    );
    return {
      statusCode: outcome.status,
      headers: { ...responseHeaders(requestId), ...(outcome.replayed ? { 'idempotent-replayed': 'true' } : liveHeaders) },
      body: outcome.body,
    };
  });
};
