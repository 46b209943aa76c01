/**
 * The Turing gateway as the benchmark runs it, in its own process: the
 * production `ModelGateway` behind a bare node:http server, one model `m`
 * (version 1) on one backend, and the transport named on the command line
 * (`node` is what hub-proxy ships; `undici` and `http-proxy-3` are the
 * alternatives measured to justify that choice). `bare` is no gateway at
 * all: the least a node:http proxy can do (buffer the body, one keep-alive
 * agent, pipe the answer back), the floor for any Node implementation.
 *
 * Usage: `node bench/gateway-proxy.js <node|undici|http-proxy-3|bare> <port> <backend url>`
 */
import { Agent, createServer, request } from 'node:http';
import { NodeHttpTransport } from '../hub-proxy/src/models/gateway/node-http-transport.js';
import { StaticEndpointSource } from '../hub-proxy/src/models/gateway/static-endpoint-source.js';
import { startGatewayServer } from '../hub-proxy/src/models/gateway/testing/gateway-server.js';
import type { UpstreamTransport } from '../hub-proxy/src/models/gateway/transport.js';
import { HttpProxy3Transport, UndiciTransport } from './gateway-transports.js';

const [kind = 'node', port = '0', backend = ''] = process.argv.slice(2);
const transports: Record<string, () => UpstreamTransport> = {
  node: () => new NodeHttpTransport(),
  undici: () => new UndiciTransport(),
  'http-proxy-3': () => new HttpProxy3Transport(),
};
if (!backend || !(kind in transports || kind === 'bare')) {
  throw new Error(`usage: gateway-proxy.js <${Object.keys(transports).join('|')}|bare> <port> <backend url>`);
}

/** The floor: a pass-through node:http proxy without routing, balancing, limits or metrics. */
function startBare(): void {
  const target = new URL(backend);
  const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = request(
        {
          agent,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: '/v1/models/m/versions/1:predict',
          headers: { 'content-type': 'application/json', 'content-length': body.length, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(port), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

if (kind === 'bare') {
  startBare();
} else {
  const source = new StaticEndpointSource();
  source.set('m', [{ id: 'backend', url: backend }]);
  const server = await startGatewayServer({
    source,
    route: (model) =>
      model === 'm' ? { name: 'm', disabled: false, traffic: { stable: 1, canaryPercent: 0 } } : undefined,
    transport: transports[kind]?.(),
    port: Number(port),
  });
  process.on('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}
