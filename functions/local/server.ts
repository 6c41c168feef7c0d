import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type RouteDefinition, type RouteTarget, routes } from '../../contract/routes.js';
import { errorBody, maxBodyBytes } from '../http/api-handler.js';
import { logger } from '../http/logger.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Extra handlers served beside the API (the dashboard's static files). */
export type StaticHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

const compiled = routes.map((route: RouteDefinition) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

const lambdaContext = (requestId: string, functionName: string): Context =>
  ({
    awsRequestId: requestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

class BodyTooLarge extends Error {}

/** A card number typed into a URL (say, as a SKU) must not reach the log: long digit runs are masked. */
const maskDigitRuns = (path: string) => path.replace(/\d{12,19}/g, (digits) => `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`);

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const send = (response: ServerResponse, requestId: string, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
  response.end(JSON.stringify(body));
};

/** Until the twin has bound every route it answers everything, `/health` included, with this. */
const notReady = (response: ServerResponse, requestId: string) => {
  response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'retry-after': '1' });
  response.end(JSON.stringify(errorBody('service_unavailable', 'The service is starting; retry in a moment.')));
};

/**
 * The twin's API Gateway: matches the shared route table, builds the same proxy event API
 * Gateway would, and calls the same Lambda handler functions. It may listen before the handlers
 * are bound (links in emails need the port); until `ready()` says so, every request is a 503.
 */
export const createApiServer = (
  handlers: Partial<Record<RouteTarget, ProxyHandler>>,
  staticHandler?: StaticHandler,
  ready: () => boolean = () => true,
): ApiServer => {
  let requestsUnderWay = 0;
  const server = createServer(async (request, response) => {
    requestsUnderWay += 1;
    response.once('close', () => (requestsUnderWay -= 1));
    const requestId = randomUUID();
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.on('finish', () =>
      logger.info('request', { method: request.method, path: maskDigitRuns(url.pathname), status: response.statusCode, ms: Date.now() - started }),
    );
    if (!ready()) return notReady(response, requestId);
    try {
      const matches = compiled.flatMap(({ route, pattern }) => {
        const match = pattern.exec(url.pathname);
        return match && handlers[route.target] ? [{ route, params: match.groups ?? {} }] : [];
      });
      const matched = matches.find((m) => m.route.method === request.method);
      if (!matched) {
        if (staticHandler?.(request, response)) return;
        return matches.length
          ? send(response, requestId, 405, errorBody('method_not_allowed', `${request.method} is not allowed here.`))
          : send(response, requestId, 404, errorBody('not_found', 'No such route.'));
      }
      let pathParameters: Record<string, string> | null;
      try {
        pathParameters = Object.keys(matched.params).length
          ? Object.fromEntries(Object.entries(matched.params).map(([k, v]) => [k, decodeURIComponent(v)]))
          : null;
      } catch {
        return send(response, requestId, 400, errorBody('validation_failed', 'The request path is not valid percent-encoding.'));
      }
      let body: string;
      try {
        body = await readBody(request);
      } catch (error) {
        if (error instanceof BodyTooLarge) return send(response, requestId, 413, errorBody('payload_too_large', 'The request body is larger than 64 KiB.'));
        throw error;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      const query = Object.fromEntries(url.searchParams);
      const event = {
        resource: matched.route.path,
        path: url.pathname,
        httpMethod: request.method ?? 'GET',
        headers,
        multiValueHeaders: {},
        queryStringParameters: Object.keys(query).length ? query : null,
        multiValueQueryStringParameters: null,
        pathParameters,
        stageVariables: null,
        body: body === '' ? null : body,
        isBase64Encoded: false,
        requestContext: {
          requestId,
          path: url.pathname,
          httpMethod: request.method,
          stage: 'local',
          identity: { sourceIp: request.socket.remoteAddress ?? null },
        },
      } as unknown as APIGatewayProxyEvent;
      const target = matched.route.target;
      const result = await handlers[target]!(event, lambdaContext(requestId, `${target}-api`));
      response.writeHead(result.statusCode, result.headers as Record<string, string>);
      response.end(result.body);
    } catch (error) {
      logger.error('twin server error', { error: error instanceof Error ? { name: error.name, stack: error.stack } : String(error) });
      if (!response.headersSent) send(response, requestId, 500, errorBody('internal', 'Something went wrong on our side. Please try again.'));
    }
  });
  // Clients keep idle sockets open longer than Node's 5 s default; closing them first races their next request.
  server.keepAliveTimeout = 65_000;
  return Object.assign(server, {
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Once the requests under way are answered, every socket left goes: close() alone waits for
        // keep-alive sockets, and for accepted ones whose request never came, for up to a minute.
        const closeWhenAnswered = () => (requestsUnderWay > 0 ? setTimeout(closeWhenAnswered, 20) : server.closeAllConnections());
        closeWhenAnswered();
      }),
  });
};

/** The twin's API server; `stop` answers the requests under way, then closes. */
export type ApiServer = Server & { stop(): Promise<void> };
