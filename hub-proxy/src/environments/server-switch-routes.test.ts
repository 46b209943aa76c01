import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubClient } from '../auth/hub-client.js';
import type { Identity } from '../auth/identity.js';
import { alice } from '../auth/testing/identities.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import { loadCatalog } from './catalog/index.js';
import { serverProgressRoute } from './server-switch-routes.js';
import { ServerSwitchService } from './server-switch.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** The progress route over a hub whose `openProgress` is `open`. */
async function serve(open: HubClient['openProgress'], identity: Identity = alice): Promise<string> {
  const switcher = new ServerSwitchService({
    catalog: loadCatalog(),
    quotas: { defaultMaxGpus: 2, users: {} },
    hub: { openProgress: open } as Pick<
      HubClient,
      'userServers' | 'startServer' | 'stopServer' | 'openProgress'
    >,
    servicePrefix: '/services/turing/',
  });
  const { spec, handlers } = serverProgressRoute(switcher);
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use((req, _res, next) => {
    requestContext(req).identity = identity; // stands in for authenticate()
    next();
  });
  app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${spec.path}`;
}

/** A hub answer whose body is `chunks`, then (unless `hold`) the end. */
function hubStream(chunks: string[], hold = false): { response: Response; cancelled: Promise<void> } {
  let cancel!: () => void;
  const cancelled = new Promise<void>((resolve) => (cancel = resolve));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      if (!hold) controller.close();
    },
    cancel: () => cancel(),
  });
  return { response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }), cancelled };
}

describe('GET /api/v1/me/server/progress', () => {
  it("relays the hub's event stream byte for byte, with the event-stream headers", async () => {
    const hubSays = ['data: {"progress": 50, "message": "pulling"}\n\n', '\n\n', 'data: {"ready": true}\n\n'];
    let asked: { user: string; serverName: string } | undefined;
    const url = await serve((user, serverName) => {
      asked = { user, serverName };
      return Promise.resolve(hubStream(hubSays).response);
    });
    const res = await fetch(`${url}?serverName=exp1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(await res.text()).toBe(hubSays.join(''));
    expect(asked).toEqual({ user: 'alice', serverName: 'exp1' });
  });

  it('answers a server the hub does not know with a 404 problem', async () => {
    const url = await serve(() => Promise.resolve(new Response('{}', { status: 404 })));
    const res = await fetch(url);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers a bad hub answer with 502, and a service caller with 403', async () => {
    const url = await serve(() => Promise.resolve(new Response('oops', { status: 500 })));
    expect((await fetch(url)).status).toBe(502);
    server?.closeAllConnections();
    server?.close();
    const asService = await serve(() => Promise.reject(new Error('unused')), { ...alice, kind: 'service' });
    expect((await fetch(asService)).status).toBe(403);
  });

  it('cancels the upstream request and stream when the client goes away', async () => {
    let upstream: AbortSignal | undefined;
    const hub = hubStream(['data: {"progress": 10}\n\n'], true);
    const url = await serve((_user, _name, signal) => {
      upstream = signal;
      return Promise.resolve(hub.response);
    });
    const client = new AbortController();
    const res = await fetch(url, { signal: client.signal });
    await (res.body as ReadableStream<Uint8Array>).getReader().read();
    client.abort();
    await hub.cancelled;
    expect(upstream?.aborted).toBe(true);
  });
});
