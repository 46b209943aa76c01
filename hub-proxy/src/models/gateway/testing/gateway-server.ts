/**
 * A bare node:http server in front of a {@link ModelGateway}, for tests and
 * the benchmark: `/models/<name>/<rest>` goes to the gateway with no
 * authentication (hub-proxy's routes do that part). Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../observability/logger.js';
import { ModelGateway, type ModelGatewayOptions } from '../model-gateway.js';

/** Options of {@link startGatewayServer}: the gateway's, with a silent logger by default. */
export type GatewayServerOptions = Omit<ModelGatewayOptions, 'logger'> & {
  logger?: ModelGatewayOptions['logger'];
  /** 0 (default): any free port. */
  port?: number;
  /** Extra routes tried before the gateway (`/-/...`); return true when handled. */
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean;
};

/** A started server. */
export interface GatewayServer {
  gateway: ModelGateway;
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

const MODEL_PATH = /^\/models\/([^/]+)(\/.*)?$/;

/** Starts the gateway behind a node:http server on loopback. */
export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const gateway = new ModelGateway({
    ...options,
    logger: options.logger ?? createLogger({ level: 'silent' }),
  });
  const server = createServer((req, res) => {
    if (options.extra?.(req, res)) return;
    const match = MODEL_PATH.exec(req.url ?? '/');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    gateway.handle(req, res, decodeURIComponent(match[1] as string), match[2] ?? '/');
  });
  // Load tests hold connections open between bursts.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    gateway,
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
