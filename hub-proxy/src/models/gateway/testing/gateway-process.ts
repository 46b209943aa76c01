/**
 * The gateway alone in a child process, so a test can read its resident
 * memory without the test runner's own in the figure. Configured by the
 * JSON in `TURING_GATEWAY_TEST_CONFIG` ({@link GatewayProcessConfig}).
 * Besides `/models/...` it answers `GET /-/metrics` (its Prometheus text)
 * and `GET /-/memory` (garbage-collects first when run with
 * `--expose-gc`, then reports `process.memoryUsage()`).
 */
import { Registry } from 'prom-client';
import type { TrafficSplit } from '../../model.js';
import type { Endpoint } from '../endpoint-source.js';
import { StaticEndpointSource } from '../static-endpoint-source.js';
import { startGatewayServer } from './gateway-server.js';

/** What the child serves. */
export interface GatewayProcessConfig {
  port: number;
  models: { name: string; traffic: TrafficSplit; endpoints: Endpoint[] }[];
  upstreamTimeoutMs?: number;
}

const config = JSON.parse(process.env.TURING_GATEWAY_TEST_CONFIG ?? '{}') as GatewayProcessConfig;
const source = new StaticEndpointSource();
for (const model of config.models) source.set(model.name, model.endpoints);
const registry = new Registry();

await startGatewayServer({
  source,
  registry,
  port: config.port,
  ...(config.upstreamTimeoutMs === undefined ? {} : { upstreamTimeoutMs: config.upstreamTimeoutMs }),
  route: (name) => {
    const model = config.models.find((m) => m.name === name);
    return model && { name, traffic: model.traffic, disabled: false };
  },
  extra: (req, res) => {
    if (req.url === '/-/metrics') {
      void registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return true;
    }
    if (req.url === '/-/memory') {
      (globalThis as { gc?: () => void }).gc?.();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(process.memoryUsage()));
      return true;
    }
    return false;
  },
});
console.log(`gateway listening on 127.0.0.1:${config.port}`);
process.on('SIGTERM', () => process.exit(0));
