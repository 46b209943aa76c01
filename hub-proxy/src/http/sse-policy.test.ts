import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { userIdentity } from '../auth/testing/identities.js';
import { QuotaExceeded } from '../errors/index.js';
import { createLogger } from '../observability/logger.js';
import { requestContext } from './context.js';
import { toHttpError } from './error-mapping.js';
import { problemHandler } from './problem.js';
import { requestId } from './request-id.js';
import type { RouteDefinition } from './route.js';
import { attachSsePolicy, SsePolicy } from './sse-policy.js';
import { defineStreamRoute, SSE_HEARTBEAT } from './streaming-route.js';

describe('SsePolicy', () => {
  it('admits up to the cap per caller, refuses the next with 429 naming the limit, and frees slots on release', () => {
    const policy = new SsePolicy({ heartbeatMs: 15_000, maxConnectionsPerUser: 2 });
    const first = policy.acquire('user:alice');
    policy.acquire('user:alice');
    // Another caller has slots of their own.
    policy.acquire('user:bob');
    const refused = (() => {
      try {
        policy.acquire('user:alice');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(QuotaExceeded);
    const problem = toHttpError(refused);
    expect(problem.status).toBe(429);
    expect(problem.extensions).toMatchObject({ quota: 'sseConnectionsPerUser', limit: 2, used: 2 });
    expect(problem.detail).toMatch(/2 event streams open/);
    first();
    first(); // releasing twice frees one slot only
    expect(policy.connections('user:alice')).toBe(1);
    policy.acquire('user:alice');
    expect(policy.connections('user:alice')).toBe(2);
  });
});

describe('event stream routes under an SsePolicy', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** Routes behind the policy, called as the user named in `x-test-user`. */
  async function serve(policy: SsePolicy, ...routes: RouteDefinition[]): Promise<string> {
    const app = express();
    app.use(requestId(createLogger({ level: 'silent' })));
    app.use(attachSsePolicy(policy));
    app.use((req, _res, next) => {
      requestContext(req).identity = userIdentity(req.get('x-test-user') ?? 'alice'); // stands in for authenticate()
      next();
    });
    for (const { spec, handlers } of routes) app[spec.method](spec.path, ...handlers);
    app.use(problemHandler());
    server = createServer(app);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const base = { method: 'get' as const, tags: ['test'], auth: 'user' as const };
  const sse = { 'text/event-stream': { description: 'Events.' } };
  let closedStreams = 0;
  /** Events that stay open until the client goes; `return()` (the route closing them) is counted. */
  const forever = defineStreamRoute({
    ...base,
    path: '/forever',
    operationId: 'forever',
    summary: 'Forever',
    produces: sse,
    handler: ({ signal }) => {
      let sent = false;
      const iterator: AsyncIterator<{ data: string }> = {
        next: async () => {
          if (!sent) return { done: false, value: { data: ((sent = true), 'open') } };
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          return { done: true, value: undefined };
        },
        return: async () => {
          closedStreams += 1;
          return { done: true, value: undefined };
        },
      };
      return { kind: 'sse', events: { [Symbol.asyncIterator]: () => iterator } };
    },
  });

  /** Opens a stream and waits for its first event; `close()` disconnects. */
  async function open(url: string, name = 'alice') {
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal, headers: { 'x-test-user': name } });
    if (res.status === 200) {
      const reader = res.body?.getReader();
      await reader?.read();
    }
    return { res, close: () => controller.abort() };
  }

  it('refuses a user past the cap with 429 problem+json, closes nothing open, and admits again once one closes', async () => {
    const policy = new SsePolicy({ heartbeatMs: 15_000, maxConnectionsPerUser: 2 });
    const url = `${await serve(policy, forever)}/forever`;
    const first = await open(url);
    const second = await open(url);
    expect([first.res.status, second.res.status]).toEqual([200, 200]);

    closedStreams = 0;
    const third = await open(url);
    expect(third.res.status).toBe(429);
    expect(third.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await third.res.json()).toMatchObject({
      status: 429,
      quota: 'sseConnectionsPerUser',
      limit: 2,
      used: 2,
    });
    // The refused reply's events were closed; the open streams were not touched.
    expect(closedStreams).toBe(1);
    expect(policy.connections('user:alice')).toBe(2);

    const bob = await open(url, 'bob');
    expect(bob.res.status).toBe(200);

    first.close();
    for (let i = 0; i < 100 && policy.connections('user:alice') > 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(policy.connections('user:alice')).toBe(1);
    const again = await open(url);
    expect(again.res.status).toBe(200);
    for (const stream of [second, bob, again]) stream.close();
  });

  it("sends heartbeats at the policy's period when the route sets none", async () => {
    const policy = new SsePolicy({ heartbeatMs: 20, maxConnectionsPerUser: 5 });
    const slow = defineStreamRoute({
      ...base,
      path: '/slow',
      operationId: 'slow',
      summary: 'Slow',
      produces: sse,
      handler: () => ({
        kind: 'sse',
        events: (async function* () {
          await new Promise((resolve) => setTimeout(resolve, 110));
          yield { data: 'late' };
        })(),
      }),
    });
    const text = await (await fetch(`${await serve(policy, slow)}/slow`)).text();
    const beats = text.split(SSE_HEARTBEAT).length - 1;
    expect(beats).toBeGreaterThanOrEqual(3);
    expect(text.endsWith('data: "late"\n\n')).toBe(true);
    expect(policy.connections('user:alice')).toBe(0);
  });
});
