import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiHandler } from '../../functions/http/api-handler.js';

const secret = 'ring twice at the side gate';

/** The twin-only route's function, with a handler that fails on something it was sent. */
const failingHandler = () =>
  createApiHandler(
    'local',
    { login: { body: z.object({ username: z.string(), password: z.string() }).strict() } },
    {
      login: async (request) => {
        throw new TypeError(`cannot read ${request.body.password} of undefined`);
      },
    },
  );

const event = (body: unknown) =>
  ({
    resource: '/auth/login',
    path: '/auth/login',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    queryStringParameters: null,
    pathParameters: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-500' },
  }) as unknown as APIGatewayProxyEvent;

describe('an unexpected failure in an operation', () => {
  it('answers 500 in the error envelope with no stack and nothing of the request', async () => {
    const response = await failingHandler()(event({ username: 'ann', password: secret }), {} as Context);
    expect(response.statusCode).toBe(500);
    expect(response.headers).toMatchObject({ 'x-request-id': 'req-500', 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    expect(response.body).not.toContain(secret);
    expect(response.body).not.toMatch(/TypeError|cannot read|\bat .+\(|\.ts:\d+/);
  });
});
