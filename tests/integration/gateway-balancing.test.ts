import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayModelRoute } from '../../hub-proxy/src/models/gateway/model-gateway.js';
import { StaticEndpointSource } from '../../hub-proxy/src/models/gateway/static-endpoint-source.js';
import type { GatewayProcessConfig } from '../../hub-proxy/src/models/gateway/testing/gateway-process.js';
import {
  startGatewayServer,
  type GatewayServer,
} from '../../hub-proxy/src/models/gateway/testing/gateway-server.js';
import { startProcess, waitUntil, type ManagedProcess } from '../support/child-process.js';
import { eventually } from '../support/eventually.js';
import { startModelBackend, type ModelBackend } from '../support/model-backends.js';
import { freePort } from '../support/ports.js';

// The gateway (hub-proxy/src/models/gateway) on real loopback backends shaped
// like TF Serving and MLServer's V2 protocol, behind a real node:http
// server, fed by the in-memory endpoint source the local runtime also uses.
// (The Kubernetes endpoint source has its own test against the apiserver.)

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const clientAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP call on a keep-alive agent. */
function call(
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        agent: clientAgent,
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

/** Runs `total` calls `concurrency` at a time (closed loop). */
async function drive(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
}

const PREDICT = JSON.stringify({ instances: [[1, 2, 3]] });

/** Per-model routes the test changes as it goes. */
function routes(initial: Record<string, GatewayModelRoute>) {
  const table = new Map(Object.entries(initial));
  return { table, route: (name: string) => table.get(name) };
}

/** The value of one sample of `name` with `labels` in Prometheus text (0 when absent). */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

describe('model gateway balancing on loopback backends', () => {
  let backends: ModelBackend[] = [];
  let gateway: GatewayServer | undefined;
  let registry: Registry;
  const source = new StaticEndpointSource();

  async function setUp(delays: number[], versions: number[][] = delays.map(() => [1])) {
    backends = await Promise.all(
      delays.map((delayMs, i) =>
        startModelBackend({ model: 'iris', delayMs, versions: versions[i] as number[] }),
      ),
    );
    source.set(
      'iris',
      backends.map((b, i) => ({ id: b.id, url: b.url, versions: versions[i] as number[] })),
    );
    registry = new Registry();
    const table = routes({
      iris: { name: 'iris', disabled: false, traffic: { stable: 1, canaryPercent: 0 } },
    });
    gateway = await startGatewayServer({ source, registry, route: table.route });
    return table;
  }

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await Promise.all(backends.map((b) => b.close()));
    backends = [];
    source.set('iris', []);
  });

  it('gives each of four equal backends its fair share within ±10 %', async () => {
    await setUp([2, 2, 2, 2]);
    const statuses: number[] = [];
    await drive(4000, 32, async () => {
      statuses.push(
        (await call(`${gateway?.url}/models/iris/v1/models/iris:predict`, { body: PREDICT })).status,
      );
    });
    const counts = backends.map((b) => b.received.length);
    console.log(`FIGURE: 4000 calls over 4 equal backends: ${counts.join(' / ')}`);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(900);
      expect(count).toBeLessThanOrEqual(1100);
    }
  });

  it('sends under 10 % of calls to a backend ten times slower than the other three', async () => {
    // 5 vs 50 ms rather than 2 vs 20: the harness's own per-call time (a loaded CI machine adds a
    // millisecond or two to every call) would otherwise shrink the real ratio well below 10x.
    await setUp([5, 5, 5, 50]);
    await drive(4000, 32, async () => {
      expect((await call(`${gateway?.url}/models/iris/v2/models/iris/infer`, { body: V2_BODY })).status).toBe(
        200,
      );
    });
    const slow = backends[3] as ModelBackend;
    const share = slow.received.length / 4000;
    console.log(
      `FIGURE: 1 of 4 backends 10x slower (50 ms vs 5 ms) got ${(share * 100).toFixed(1)} % of 4000 calls ` +
        `(${backends.map((b) => b.received.length).join(' / ')})`,
    );
    expect(share).toBeLessThan(0.1);
  });

  it('stops sending to a backend marked not ready within 1 s', async () => {
    await setUp([2, 2, 2, 2]);
    const leaving = backends[2] as ModelBackend;
    const started = Date.now();
    let removedAt = 0;
    let calls = 0;
    const failures: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (Date.now() - started < 3000) {
          if (removedAt === 0 && Date.now() - started > 1000) {
            removedAt = Date.now();
            source.remove('iris', leaving.id);
          }
          const { status } = await call(`${gateway?.url}/models/iris/v1/models/iris:predict`, {
            body: PREDICT,
          });
          calls += 1;
          if (status !== 200) failures.push(status);
        }
      }),
    );
    const after = leaving.received.filter((r) => r.at >= removedAt);
    const last = Math.max(...after.map((r) => r.at), removedAt);
    console.log(
      `FIGURE: not-ready backend: ${after.length} calls reached it after the change, the last ` +
        `${last - removedAt} ms after; ${calls} calls in 3 s`,
    );
    expect(failures).toEqual([]);
    expect(leaving.received.filter((r) => r.at < removedAt).length).toBeGreaterThan(0);
    expect(leaving.received.filter((r) => r.at >= removedAt + 1000)).toEqual([]);
    // The others kept serving for the rest of the run.
    for (const b of backends.filter((x) => x !== leaving)) {
      expect(b.received.filter((r) => r.at >= removedAt + 1000).length).toBeGreaterThan(0);
    }
  });

  it('loses no call when a backend is killed mid-load', async () => {
    await setUp([3, 3, 3, 3]);
    const victim = backends[1] as ModelBackend;
    const statuses: number[] = [];
    let done = 0;
    let killedAt = 0;
    await drive(3000, 32, async () => {
      const reply = await call(`${gateway?.url}/models/iris/v1/models/iris:predict`, { body: PREDICT });
      statuses.push(reply.status);
      done += 1;
      if (done === 1000) {
        killedAt = Date.now();
        victim.kill(); // the source still lists it, as it would until the EndpointSlice changes
      }
    });
    const metrics = await registry.metrics();
    const retries = metricValue(metrics, 'turing_model_upstream_retries_total', { model: 'iris' });
    const errors = metricValue(metrics, 'turing_model_upstream_errors_total', { model: 'iris' });
    console.log(
      `FIGURE: backend killed mid-load (${victim.inflight} in flight at the end): ` +
        `${statuses.filter((s) => s !== 200).length} client errors in 3000 calls, ${errors} upstream errors, ${retries} retries`,
    );
    expect(killedAt).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // The kill was felt: calls in flight on it, or sent to it afterwards, were retried elsewhere.
    expect(retries).toBeGreaterThan(0);
    expect(victim.received.filter((r) => r.at > killedAt)).toEqual([]);
  });

  it('lands a 90/10 canary split within ±3 points', async () => {
    const table = await setUp([1, 1, 1, 1], [[1], [1], [2], [2]]);
    table.table.set('iris', {
      name: 'iris',
      disabled: false,
      traffic: { stable: 1, canary: 2, canaryPercent: 10 },
    });
    const served = new Map<string, number>();
    const mismatched: string[] = [];
    await drive(5000, 32, async () => {
      const reply = await call(`${gateway?.url}/models/iris/v2/models/iris/infer`, { body: V2_BODY });
      const version = String(reply.headers['x-turing-model-version']);
      served.set(version, (served.get(version) ?? 0) + 1);
      // The backend says which version it ran; the header must agree.
      const body = JSON.parse(reply.text) as { model_version: string };
      if (body.model_version !== version) mismatched.push(`${version} vs ${body.model_version}`);
    });
    const canaryShare = (served.get('2') ?? 0) / 5000;
    const canaryBackends = (backends[2]?.received.length ?? 0) + (backends[3]?.received.length ?? 0);
    console.log(`FIGURE: 90/10 canary over 5000 calls: ${(canaryShare * 100).toFixed(1)} % to the canary`);
    expect(mismatched).toEqual([]);
    expect((served.get('1') ?? 0) + (served.get('2') ?? 0)).toBe(5000);
    expect(canaryShare).toBeGreaterThanOrEqual(0.07);
    expect(canaryShare).toBeLessThanOrEqual(0.13);
    expect(canaryBackends).toBe(served.get('2'));
  });
});

const V2_BODY = JSON.stringify({
  inputs: [{ name: 'input-0', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }],
});

describe('model gateway requests and answers', () => {
  let stable: ModelBackend;
  let canary: ModelBackend;
  let gateway: GatewayServer;
  let registry: Registry;
  const source = new StaticEndpointSource();
  const table = routes({
    iris: {
      name: 'iris',
      disabled: false,
      traffic: { stable: 1, canary: 2, canaryPercent: 0 },
      versions: [1, 2],
    },
    off: { name: 'off', disabled: true, traffic: { stable: 1, canaryPercent: 0 } },
    fresh: { name: 'fresh', disabled: false },
  });
  const base = () => `${gateway.url}/models/iris`;

  beforeAll(async () => {
    stable = await startModelBackend({ model: 'iris', versions: [1] });
    canary = await startModelBackend({ model: 'iris', versions: [2] });
    source.set('iris', [
      { id: 'stable', url: stable.url, versions: [1] },
      { id: 'canary', url: canary.url, versions: [2] },
    ]);
    registry = new Registry();
    gateway = await startGatewayServer({
      source,
      registry,
      route: table.route,
      maxRequestBytes: 1024,
      upstreamTimeoutMs: 300,
      ejectMs: 60_000,
    });
  });

  afterAll(async () => {
    await gateway.close();
    await stable.close();
    await canary.close();
  });

  it('answers TF Serving and V2 calls with the backend result and the version that served it', async () => {
    const v1 = await call(`${base()}/v1/models/iris:predict`, {
      body: JSON.stringify({
        instances: [
          [1, 2],
          [3, 4],
        ],
      }),
    });
    expect(v1.status).toBe(200);
    expect(JSON.parse(v1.text)).toEqual({ predictions: [3, 7] });
    expect(v1.headers['x-turing-model-version']).toBe('1');

    const v2 = await call(`${base()}/v2/models/iris/infer`, { body: V2_BODY });
    expect(v2.status).toBe(200);
    expect(JSON.parse(v2.text)).toMatchObject({
      model_name: 'iris',
      model_version: '1',
      outputs: [{ data: [3, 7] }],
    });

    const status = await call(`${base()}/v1/models/iris`);
    expect(JSON.parse(status.text)).toEqual({
      model_version_status: [
        { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    });
    expect((await call(`${base()}/v2/models/iris/ready`)).status).toBe(200);
    expect((await call(`${base()}/v2/health/ready`)).status).toBe(200);
  });

  it('rewrites unversioned calls to the chosen version, honours a named version or label, and keeps the query', async () => {
    /** The URL the call reached a backend with. */
    const upstreamUrl = async (path: string, body?: string) => {
      const seen = [stable.received.length, canary.received.length];
      const reply = await call(`${base()}${path}`, body === undefined ? {} : { body });
      const fresh = [...stable.received.slice(seen[0]), ...canary.received.slice(seen[1])];
      expect(fresh).toHaveLength(1);
      return { url: fresh[0]?.url, version: reply.headers['x-turing-model-version'] };
    };
    expect(await upstreamUrl('/v1/models/iris:predict?trace=1', PREDICT)).toEqual({
      url: '/v1/models/iris/versions/1:predict?trace=1',
      version: '1',
    });
    expect(await upstreamUrl('/v2/models/iris/versions/2/infer', V2_BODY)).toEqual({
      url: '/v2/models/iris/versions/2/infer',
      version: '2',
    });
    expect(await upstreamUrl('/v1/models/iris/labels/canary/metadata')).toEqual({
      url: '/v1/models/iris/versions/2/metadata',
      version: '2',
    });
    expect(await upstreamUrl('/v2/models/iris')).toEqual({ url: '/v2/models/iris/versions/1', version: '1' });
  });

  it('refuses what it does not serve with problem+json', async () => {
    const cases: [string, string, number][] = [
      ['GET', `${base()}/v1/models/other:predict`, 404],
      ['GET', `${base()}/v2/repository/models/iris/load`, 404],
      ['POST', `${base()}/v2/repository/models/iris/unload`, 404],
      ['GET', `${base()}/v1/models/iris/versions/x1:predict`, 404],
      ['POST', `${base()}/v1/models/iris/versions/9:predict`, 404],
      ['GET', `${base()}/v1/models/iris/labels/beta`, 404],
      ['GET', `${base()}/v1/models/iris:predict`, 405],
      ['DELETE', `${base()}/v2/models/iris`, 405],
      ['GET', `${gateway.url}/models/nope/v1/models/nope`, 404],
      ['GET', `${gateway.url}/models/off/v1/models/off`, 503],
      ['GET', `${gateway.url}/models/fresh/v1/models/fresh`, 503],
    ];
    for (const [method, url, status] of cases) {
      const reply = await call(url, { method });
      expect({ url, method, status: reply.status }).toEqual({ url, method, status });
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(reply.text)).toMatchObject({ status });
    }
    const wrongMethod = await call(`${base()}/v1/models/iris:predict`);
    expect(wrongMethod.headers.allow).toBe('POST');
    // A disabled model will not come back by itself: no Retry-After.
    expect((await call(`${gateway.url}/models/off/v1/models/off`)).headers['retry-after']).toBeUndefined();
    // Unknown model names never become metric labels.
    expect(await registry.metrics()).not.toContain('model="nope"');
  });

  it('forwards neither credentials nor hop-by-hop headers, sets x-forwarded-*, and keeps backends from setting cookies', async () => {
    const reply = await call(`${base()}/v1/models/iris:predict`, {
      body: PREDICT,
      headers: {
        authorization: 'token secret-hub-token',
        cookie: 'turing-session=secret',
        'x-api-key': 'secret-key',
        'x-forwarded-for': '203.0.113.7',
        'x-request-id': 'req-42',
        'x-custom': 'kept',
        connection: 'keep-alive, x-drop-me',
        'x-drop-me': 'hop',
        te: 'trailers',
      },
    });
    expect(reply.status).toBe(200);
    const seen = stable.received[stable.received.length - 1]?.headers ?? {};
    expect(seen.authorization).toBeUndefined();
    expect(seen.cookie).toBeUndefined();
    expect(seen['x-api-key']).toBeUndefined();
    expect(seen['x-drop-me']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['x-custom']).toBe('kept');
    expect(seen['x-request-id']).toBe('req-42');
    expect(seen['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(seen.host).toBe(new URL(stable.url).host);
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const declared = await call(`${base()}/v1/models/iris:predict`, { body: 'x'.repeat(2000) });
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');
    const streamed = await new Promise<number>((done, fail) => {
      const req = request(`${base()}/v1/models/iris:predict`, { method: 'POST', agent: false }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
      for (let i = 0; i < 8; i++) req.write('x'.repeat(200)); // chunked: no content-length
      req.end();
    });
    expect(streamed).toBe(413);
  });

  it('falls back to the other version of the split, then answers 503 with Retry-After', async () => {
    table.table.set('iris', {
      name: 'iris',
      disabled: false,
      traffic: { stable: 1, canary: 2, canaryPercent: 0 },
      versions: [1, 2],
    });
    source.set('iris', [{ id: 'canary', url: canary.url, versions: [2] }]);
    try {
      const fallback = await call(`${base()}/v1/models/iris:predict`, { body: PREDICT });
      expect(fallback.status).toBe(200);
      expect(fallback.headers['x-turing-model-version']).toBe('2');
      // A version the caller names has no fallback.
      const named = await call(`${base()}/v1/models/iris/versions/1:predict`, { body: PREDICT });
      expect(named.status).toBe(503);
      expect(named.headers['retry-after']).toBe('2');
      source.set('iris', []);
      const none = await call(`${base()}/v2/models/iris/infer`, { body: V2_BODY });
      expect(none.status).toBe(503);
      expect(JSON.parse(none.text)).toMatchObject({
        status: 503,
        detail: expect.stringContaining('version 1'),
      });
    } finally {
      source.set('iris', [
        { id: 'stable', url: stable.url, versions: [1] },
        { id: 'canary', url: canary.url, versions: [2] },
      ]);
    }
  });

  it('answers 504 when the backend is slower than the upstream timeout, and the backend sees the call dropped', async () => {
    stable.delayMs = 1000;
    try {
      const abandonedBefore = stable.abandoned;
      const started = Date.now();
      const reply = await call(`${base()}/v1/models/iris:predict`, { body: PREDICT });
      expect(reply.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(900);
      await eventually('the backend saw the call dropped', 2000, () => stable.abandoned > abandonedBefore);
    } finally {
      stable.delayMs = 0;
    }
  });

  it('retries a refused connection on another backend and then skips the refusing one', async () => {
    const spare = await startModelBackend({ model: 'iris', versions: [1] });
    const refusing = await freePort(); // nothing listens there
    source.set('iris', [
      { id: 'refusing', url: `http://127.0.0.1:${refusing}`, versions: [1] },
      { id: 'spare', url: spare.url, versions: [1] },
    ]);
    try {
      const refusedBefore = metricValue(await registry.metrics(), 'turing_model_upstream_errors_total', {
        reason: 'connect_refused',
      });
      for (let i = 0; i < 40; i++) {
        expect((await call(`${base()}/v1/models/iris:predict`, { body: PREDICT })).status).toBe(200);
      }
      const refused =
        metricValue(await registry.metrics(), 'turing_model_upstream_errors_total', {
          reason: 'connect_refused',
        }) - refusedBefore;
      // One refusal ejects it for ejectMs (a minute here): the other 39 calls never try it.
      expect(refused).toBe(1);
      expect(spare.received.length).toBe(40);
    } finally {
      source.set('iris', [
        { id: 'stable', url: stable.url, versions: [1] },
        { id: 'canary', url: canary.url, versions: [2] },
      ]);
      await spare.close();
    }
  });

  it('reports the model rate for the sparklines', async () => {
    const points = gateway.gateway.stats('iris').points;
    expect(points).toHaveLength(60);
    expect(points.every((p) => typeof p.at === 'string' && p.requestsPerSecond >= 0)).toBe(true);
    expect(
      gateway.gateway.stats('nope').points.every((p) => p.requestsPerSecond === 0 && p.p95Ms === null),
    ).toBe(true);
  });
});

describe('model gateway under aborted calls (gateway in a child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turing-gateway-abort-'));
  let backend: ModelBackend;
  let child: ManagedProcess;
  let port = 0;

  beforeAll(async () => {
    // The backend holds every call for 2 s: each abort finds its call in flight upstream.
    backend = await startModelBackend({ model: 'iris', delayMs: 2000 });
    port = await freePort();
    const config: GatewayProcessConfig = {
      port,
      models: [
        {
          name: 'iris',
          traffic: { stable: 1, canaryPercent: 0 },
          endpoints: [{ id: 'b', url: backend.url }],
        },
      ],
    };
    child = startProcess(
      'gateway',
      process.execPath,
      [
        '--expose-gc',
        '--import',
        import.meta.resolve('tsx'),
        resolve(import.meta.dirname, '../../hub-proxy/src/models/gateway/testing/gateway-process.ts'),
      ],
      {
        logDir: dir,
        env: { PATH: process.env.PATH, TURING_GATEWAY_TEST_CONFIG: JSON.stringify(config) },
      },
    );
    await waitUntil(
      'gateway child listening',
      async () => readFileSync(child.logFile, 'utf8').includes('listening'),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        process: child,
      },
    );
  });

  afterAll(async () => {
    await child?.stop();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request1 = Buffer.from(
    `POST /models/iris/v1/models/iris:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${PREDICT.length}\r\n\r\n${PREDICT}`,
  );

  /** Sends a whole call on a fresh connection and drops the connection after `afterMs`. */
  function abortedCall(afterMs: number): Promise<void> {
    return new Promise((done) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      socket.once('connect', () => {
        socket.write(request1);
        setTimeout(() => {
          socket.destroy();
          done();
        }, afterMs);
      });
    });
  }

  async function memory(): Promise<NodeJS.MemoryUsage> {
    return JSON.parse((await call(`http://127.0.0.1:${port}/-/memory`)).text) as NodeJS.MemoryUsage;
  }

  it('keeps RSS flat (±5 %) over 10,000 aborted calls and leaves none in flight', async () => {
    const abort = (n: number) => drive(n, 50, (i) => abortedCall(2 + (i % 10)));
    // Warm up pools, JIT and heap sizes with as many calls first; the baseline is taken after a full collection.
    await abort(10_000);
    await eventually('warm-up calls released', 5000, () => backend.inflight === 0);
    const before = await memory();
    const forwardedBefore = backend.received.length;
    const started = Date.now();
    await abort(10_000);
    const seconds = (Date.now() - started) / 1000;
    await eventually('backend calls dropped by the gateway', 5000, () => backend.inflight === 0);
    // The last aborted connections may still wait in the accept queue: wait until none is in flight.
    const metrics = await eventually('no call in flight in the gateway', 5000, async () => {
      const text = (await call(`http://127.0.0.1:${port}/-/metrics`)).text;
      return metricValue(text, 'turing_model_inflight_requests', { model: 'iris' }) === 0 && text;
    });
    const after = await memory();
    const forwarded = backend.received.length - forwardedBefore;
    const change = (after.rss - before.rss) / before.rss;
    const abandoned = metricValue(metrics, 'turing_model_requests_total', { model: 'iris', code: '499' });
    const counted = metricValue(metrics, 'turing_model_requests_total', { model: 'iris' });
    console.log(
      `FIGURE: 10,000 aborted calls in ${seconds.toFixed(1)} s (${forwarded} reached the backend): gateway RSS ` +
        `${(before.rss / 2 ** 20).toFixed(1)} -> ${(after.rss / 2 ** 20).toFixed(1)} MiB (${(change * 100).toFixed(1)} %), ` +
        `heap ${(before.heapUsed / 2 ** 20).toFixed(1)} -> ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB ` +
        `(of ${(before.heapTotal / 2 ** 20).toFixed(1)} -> ${(after.heapTotal / 2 ** 20).toFixed(1)}); ` +
        `counted ${counted} calls, ${abandoned} as 499; backend saw ${backend.received.length}, ${backend.abandoned} dropped`,
    );
    // Most aborts found their call in flight upstream, so the upstream side was exercised.
    expect(forwarded).toBeGreaterThan(5000);
    expect(Math.abs(change)).toBeLessThanOrEqual(0.05);
    // The heap after a full collection is the finer test: 10,000 leaked requests would be megabytes.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(0.05 * before.heapUsed);
    // Every call the gateway saw is counted once, as abandoned by its caller (499), none as answered.
    expect(counted).toBe(abandoned);
    expect(abandoned).toBeGreaterThanOrEqual(backend.received.length);
    expect(abandoned).toBeLessThanOrEqual(20_000);
    // The gateway dropped every upstream call when its caller went away: the backend answered none of them.
    expect(backend.abandoned).toBe(backend.received.length);
  });
});
