import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RouteDefinition, routes } from '../../contract/routes.js';
import { api } from './helpers.js';

describe('OpenAPI document', () => {
  it('is served at /openapi.json and covers every route of the route table', async () => {
    const { status, body } = await api('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const route of (routes as readonly RouteDefinition[]).filter((r) => r.target !== 'local')) {
      expect(body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, `${route.method} ${route.path}`).toBe(route.operation);
    }
  });

  it('describes request bodies from the same zod schemas the handlers validate with', async () => {
    const { body } = await api('GET', '/openapi.json');
    const checkout = body.paths['/checkout'].post;
    const schema = checkout.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['customer', 'billingAddress', 'items']));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.items.maxItems).toBe(100);
    expect(schema.properties.items.items.properties.quantity).toMatchObject({ minimum: 1, maximum: 999 });
    expect(schema.properties.onDecline.enum).toEqual(['ask', 'offline']);
    expect(checkout.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
    expect(body.paths['/orders/{id}'].get.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path' }));
  });

  it('lists query and path parameters from the same contracts', async () => {
    const { body } = await api('GET', '/openapi.json');
    const listOrders = body.paths['/admin/orders'].get.parameters;
    expect(listOrders).toContainEqual({
      name: 'status',
      in: 'query',
      required: false,
      schema: expect.objectContaining({ enum: expect.arrayContaining(['SHIPPED', 'CANCELLED']) }),
    });
    expect(listOrders).toContainEqual(
      expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ minimum: 1, maximum: 100 }) }),
    );
    expect(body.paths['/admin/audit'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['day', 'limit', 'cursor']));
    expect(body.paths['/admin/reports/summary'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to']));
    expect(body.paths['/orders/{id}'].get.parameters).toContainEqual(expect.objectContaining({ name: 'token', in: 'query' }));
    expect(body.paths['/admin/products/{sku}'].put.parameters).toContainEqual(
      expect.objectContaining({ name: 'sku', in: 'path', required: true, schema: expect.objectContaining({ pattern: expect.any(String) }) }),
    );
  });

  it('is written to a file by npm run openapi', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    execFileSync('npm', ['run', '--silent', 'openapi', '--', file], { stdio: 'ignore' });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(written.paths)).toContain('/checkout');
  });
});
