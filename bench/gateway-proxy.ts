/**
 * The Turing gateway as the benchmark runs it, in its own process: the
 * production `ModelGateway` behind a bare node:http server, one model `m`
 * (version 1) on one backend, and the transport named on the command line
 * (`node` is what hub-proxy ships; `undici` and `http-proxy-3` are the
 * alternatives measured to justify that choice).
 *
 * Usage: `tsx bench/gateway-proxy.ts <node|undici|http-proxy-3> <port> <backend url>`
 */
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
const transport = transports[kind]?.();
if (!transport || !backend)
  throw new Error(`usage: gateway-proxy.ts <${Object.keys(transports).join('|')}> <port> <backend url>`);

const source = new StaticEndpointSource();
source.set('m', [{ id: 'backend', url: backend }]);
const server = await startGatewayServer({
  source,
  route: (model) =>
    model === 'm' ? { name: 'm', disabled: false, traffic: { stable: 1, canaryPercent: 0 } } : undefined,
  transport,
  port: Number(port),
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
