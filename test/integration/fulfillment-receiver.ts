import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A merchant's fulfillment webhook for the tests, on loopback. It checks `X-Signature` against
 * the shared secret (401 when it does not match) and answers each order as the tests scripted
 * for its customer's email, so parallel test files never share a script. Customers without a
 * script get `422 not_scripted`: one recorded attempt, no retries, the order stays ORDER_PLACED.
 *
 * Control (for tests): `PUT /control/customers/{email}` `{"statuses":[500,200],"delayMs"?:n}`
 * sets the answers (each delivery takes the next status, the last repeats);
 * `GET /control/deliveries?email=` lists what arrived.
 */
export interface ReceivedDelivery {
  readonly at: string;
  readonly email: string | null;
  readonly orderId: string | null;
  readonly signatureValid: boolean;
  readonly answered: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Script {
  statuses: number[];
  delayMs: number;
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const validSignature = (secret: string, body: string, header: string | undefined) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

export const startFulfillmentReceiver = async (secret: string) => {
  const scripts = new Map<string, Script>();
  const deliveries: ReceivedDelivery[] = [];

  const receive = async (request: IncomingMessage, response: ServerResponse, body: string) => {
    const signatureValid = validSignature(secret, body, request.headers['x-signature'] as string | undefined);
    let parsed: { order?: { id?: string; customer?: { email?: string } } } | null = null;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = null;
    }
    const email = parsed?.order?.customer?.email?.toLowerCase() ?? null;
    const script = email ? scripts.get(email) : undefined;
    const status = !signatureValid ? 401 : script ? (script.statuses.length > 1 ? script.statuses.shift()! : script.statuses[0]!) : 422;
    deliveries.push({
      at: new Date().toISOString(),
      email,
      orderId: parsed?.order?.id ?? null,
      signatureValid,
      answered: status,
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      body,
    });
    if (script?.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
    if (response.destroyed) return;
    json(response, status, status < 300 ? { accepted: true } : { error: !signatureValid ? 'bad_signature' : script ? 'scripted_failure' : 'not_scripted' });
  };

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = await readBody(request);
      if (request.method === 'POST' && url.pathname === '/webhook') return await receive(request, response, body);
      const customer = /^\/control\/customers\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'PUT' && customer) {
        const { statuses, delayMs = 0 } = JSON.parse(body) as { statuses: number[]; delayMs?: number };
        if (!Array.isArray(statuses) || statuses.length === 0) return json(response, 400, { error: 'statuses required' });
        scripts.set(decodeURIComponent(customer[1]!).toLowerCase(), { statuses: [...statuses], delayMs });
        return json(response, 200, { ok: true });
      }
      if (request.method === 'GET' && url.pathname === '/control/deliveries') {
        const email = url.searchParams.get('email')?.toLowerCase();
        return json(response, 200, { deliveries: deliveries.filter((d) => !email || d.email === email) });
      }
      json(response, 404, { error: 'not_found' });
    } catch (error) {
      json(response, 500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
