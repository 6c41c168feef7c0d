import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the gateway stand-in received it, byte for byte (the PAN scan reads these). */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * Faults the stand-in can play for the next requests: a 5xx, a body that is not the gateway's
 * format, no answer at all (a timeout), the request done and the connection dropped before
 * the answer, or the request done and answered only after `lateAnswerMs` (a slow gateway:
 * both are the cases idempotency keys exist for).
 */
export type Fault = 'http_500' | 'malformed_body' | 'no_answer' | 'drop_after_processing' | 'answer_late';

/** How late an `answer_late` fault answers: longer than any timeout a test gives the adapter. */
export const lateAnswerMs = 4000;

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface GatewayStandIn {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** What the adapter sent that the gateway's reference says it must not (wrong format, missing key…). */
  readonly violations: string[];
  /** The next `count` requests meet `fault`. */
  fail(fault: Fault, count?: number): void;
  /** Forgets what was received and any pending fault (state kept: transactions live on). */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP server answering like a payment gateway: `handle` plays the gateway (its
 * recorded answers and state), this part records requests and plays faults.
 */
export const startGatewayStandIn = async (handle: (request: ReceivedRequest, violations: string[]) => Answer): Promise<GatewayStandIn> => {
  const received: ReceivedRequest[] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const fault = faults.shift();
      if (fault === 'no_answer') return;
      if (fault === 'http_500') return void response.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Internal Server Error</body></html>');
      if (fault === 'malformed_body')
        return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"transactionResponse": {"responseCode": "1", ');
      let answer: Answer;
      try {
        answer = handle(request, violations);
      } catch (error) {
        violations.push(`the stand-in could not read the request: ${(error as Error).message}`);
        answer = { status: 400, body: '{}' };
      }
      if (fault === 'drop_after_processing') return void incoming.socket.destroy();
      const send = () => response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
      if (fault === 'answer_late') return void setTimeout(send, lateAnswerMs);
      send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    violations,
    fail: (fault, count = 1) => faults.push(...Array.from({ length: count }, () => fault)),
    reset: () => {
      received.length = 0;
      violations.length = 0;
      faults.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
