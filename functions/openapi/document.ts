import * as z from 'zod/mini';
import { type RouteDefinition, type RouteTarget, routes } from '../../contract/routes.js';
import { adminContract } from '../admin-api/schemas.js';
import { errorStatus } from '../core/errors.js';
import type { ContractsFor, OperationContract } from '../http/api-handler.js';
import { storefrontContract } from '../storefront-api/schemas.js';

/** The contracts the deployed APIs' handlers validate with, one for each route outside the twin. */
const contracts = { ...storefrontContract, ...adminContract } satisfies ContractsFor<Exclude<RouteTarget, 'local'>>;

const contractOf = (route: RouteDefinition): OperationContract => (contracts as Readonly<Record<string, OperationContract>>)[route.operation]!;

const jsonSchema = (schema: z.core.$ZodType) => z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });

const errorEnvelope = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(errorStatus) },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

interface ObjectSchema {
  readonly properties?: Readonly<Record<string, object>>;
  readonly required?: readonly string[];
}

/** The properties of an object schema (`path`, `query`) as parameters of one location. */
const parametersOf = (location: 'path' | 'query', schema: z.core.$ZodType | undefined) => {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema) as ObjectSchema;
  return Object.entries(properties).map(([name, property]) => ({ name, in: location, required: required.includes(name), schema: property }));
};

const parameters = (route: RouteDefinition, contract: OperationContract) => [
  ...[...route.path.matchAll(/\{(\w+)\}/g)].map(
    ([, name]) => parametersOf('path', contract.path).find((p) => p.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' } },
  ),
  ...parametersOf('query', contract.query),
  ...(contract.orderToken
    ? [
        { name: 'X-Order-Token', in: 'header', required: false, description: 'The trackingToken of the order', schema: { type: 'string' } },
        { name: 'token', in: 'query', required: false, description: 'Alternative to X-Order-Token, for links', schema: { type: 'string' } },
      ]
    : []),
  ...(contract.idempotent
    ? [{ name: 'Idempotency-Key', in: 'header', required: contract.idempotent === 'required', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' } }]
    : []),
];

const operationObject = (route: RouteDefinition) => {
  const contract = contractOf(route);
  return {
    operationId: route.operation,
    summary: route.summary,
    tags: [route.target],
    ...(route.auth !== 'public' ? { security: [{ bearer: [] }] } : {}),
    parameters: parameters(route, contract),
    ...(contract.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(contract.body) } } } } : {}),
    responses: {
      '2XX': { description: 'Success' },
      default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
};

let cached: object | undefined;

/** The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers validate with. */
export const openApiDocument = (): object =>
  (cached ??= {
    openapi: '3.1.0',
    info: { title: 'Order backend API', version: '1.0.0', description: 'Storefront and back-office API. Errors use one envelope.' },
    paths: routes
      .filter((route: RouteDefinition) => route.target !== 'local')
      .reduce<Record<string, Record<string, unknown>>>((paths, route) => {
        paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationObject(route) };
        return paths;
      }, {}),
    components: {
      schemas: { Error: errorEnvelope },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  });
