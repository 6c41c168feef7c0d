import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  readonly url: string;
  /** Cuts every connection and refuses new ones, as a service that went away. */
  down(): void;
  up(): void;
  stop(): Promise<void>;
}

/** A loopback TCP proxy in front of `targetPort`, for drills that take a service away and bring it back. */
export const startTcpProxy = (targetPort: number): Promise<TcpProxy> =>
  new Promise((resolve, reject) => {
    let open = true;
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      if (!open) return void client.destroy();
      const upstream = connect(targetPort, '127.0.0.1');
      sockets.add(client).add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        down: () => {
          open = false;
          for (const socket of sockets) socket.destroy();
        },
        up: () => {
          open = true;
        },
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
