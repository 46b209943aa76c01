import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayModelRoute } from './model-gateway.js';
import { StaticEndpointSource } from './static-endpoint-source.js';
import { startGatewayServer, type GatewayServer } from './testing/gateway-server.js';

/** What the admin page relies on: who disabled a model, and the last minute's figures. */
describe('the model gateway for admins', () => {
  let gateway: GatewayServer | undefined;
  let backend: Server | undefined;

  afterEach(async () => {
    await gateway?.close();
    backend?.closeAllConnections();
    await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
    gateway = undefined;
    backend = undefined;
  });

  async function start(routes: Record<string, GatewayModelRoute>, source = new StaticEndpointSource()) {
    gateway = await startGatewayServer({ source, registry: new Registry(), route: (name) => routes[name] });
    return gateway;
  }

  it('answers 503 problem+json naming an admin when an admin disabled the model, its owner otherwise', async () => {
    const server = await start({
      held: { name: 'held', disabled: true, disabledBy: 'admin', traffic: { stable: 1, canaryPercent: 0 } },
      paused: {
        name: 'paused',
        disabled: true,
        disabledBy: 'owner',
        traffic: { stable: 1, canaryPercent: 0 },
      },
    });
    const held = await fetch(`${server.url}/models/held/v2/models/held`);
    expect(held.status).toBe(503);
    expect(held.headers.get('content-type')).toBe('application/problem+json');
    expect(held.headers.get('retry-after')).toBeNull();
    expect(((await held.json()) as { detail: string }).detail).toBe('Model held is disabled by an admin.');
    const paused = await fetch(`${server.url}/models/paused/v2/models/paused`);
    expect(paused.status).toBe(503);
    expect(((await paused.json()) as { detail: string }).detail).toBe(
      'Model paused is disabled by its owner.',
    );
  });

  it('counts every call of a model in its last minute: rate, latency percentiles and the 5xx share', async () => {
    backend = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true}');
    });
    await new Promise<void>((resolve) => backend?.listen(0, '127.0.0.1', resolve));
    const port = (backend.address() as AddressInfo).port;
    const source = new StaticEndpointSource();
    source.set('ctr', [{ id: 'b1', url: `http://127.0.0.1:${port}` }]);
    const split = { stable: 1, canaryPercent: 0 };
    const server = await start(
      {
        ctr: { name: 'ctr', disabled: false, traffic: split },
        off: { name: 'off', disabled: true, disabledBy: 'admin', traffic: split },
      },
      source,
    );
    expect(server.gateway.lastMinute('ctr')).toEqual({
      requests: 0,
      requestsPerSecond: 0,
      p50Ms: null,
      p95Ms: null,
      errorRate: 0,
    });
    for (let i = 0; i < 8; i++)
      expect((await fetch(`${server.url}/models/ctr/v2/models/ctr`)).status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect((await fetch(`${server.url}/models/off/v2/models/off`)).status).toBe(503);

    const ctr = server.gateway.lastMinute('ctr');
    expect(ctr.requests).toBe(8);
    expect(ctr.requestsPerSecond).toBeGreaterThan(0);
    expect(ctr.errorRate).toBe(0);
    expect(ctr.p50Ms).not.toBeNull();
    expect(ctr.p95Ms ?? 0).toBeGreaterThanOrEqual(ctr.p50Ms ?? Infinity);
    expect(server.gateway.lastMinute('off')).toMatchObject({ requests: 2, errorRate: 1 });
    // A name the gateway does not know is not metered.
    expect((await fetch(`${server.url}/models/nope/v2/models/nope`)).status).toBe(404);
    expect(server.gateway.lastMinute('nope').requests).toBe(0);
  });
});
