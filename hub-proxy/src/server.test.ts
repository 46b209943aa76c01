import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from './config/load.js';
import { defineRoute } from './http/route.js';
import { startHubProxy } from './server.js';

// No hub is needed: only unauthenticated routes are called.
const config = loadConfig({
  env: {
    TURING_HUB_API_URL: 'http://127.0.0.1:9/hub/api',
    TURING_API_TOKEN: 'unit-test-token',
    TURING_LISTEN_PORT: '0',
    TURING_LOG_LEVEL: 'silent',
  },
  readFile: () => {
    throw new Error('no files');
  },
});

describe('startHubProxy shutdown', () => {
  it('finishes in-flight requests, refuses new connections, then runs the hooks in order', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const slow = defineRoute({
      method: 'get',
      path: '/slow',
      operationId: 'slow',
      summary: 'Waits until released',
      tags: [],
      auth: 'none',
      response: z.object({ done: z.boolean() }),
      handler: async () => {
        events.push('request started');
        await new Promise<void>((resolve) => (release = resolve));
        events.push('request finished');
        return { done: true };
      },
    });
    const proxy = await startHubProxy(config, {
      routes: [slow],
      shutdownHooks: [{ name: 'first', run: () => void events.push('hook first') }],
    });
    proxy.addShutdownHook({ name: 'release lease', run: async () => void events.push('hook release lease') });

    const inFlight = fetch(`${proxy.url}/services/turing/slow`);
    while (!events.includes('request started')) await new Promise((r) => setTimeout(r, 10));
    const stopped = proxy.shutdown('test');
    await new Promise((r) => setTimeout(r, 50));
    expect(events).not.toContain('hook first');
    await expect(fetch(`${proxy.url}/services/turing/readyz`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await stopped;
    expect(events).toEqual(['request started', 'request finished', 'hook first', 'hook release lease']);
  });
});

/** Sends `text` on a fresh connection and returns the whole raw response. */
function rawExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (out += chunk));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

/** Status line, headers (lower-cased names) and body of a raw response. */
function parseRaw(text: string): { status: string; headers: Record<string, string>; body: string } {
  const split = text.indexOf('\r\n\r\n');
  const [status = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status, headers, body: text.slice(split + 4) };
}

describe('requests Node refuses before express sees them', () => {
  it('answers a request line over the header limit with 414 problem+json, not an empty response', async () => {
    const proxy = await startHubProxy(config);
    try {
      const res = parseRaw(
        await rawExchange(
          proxy.url,
          `GET /services/turing/api/v1/me?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        ),
      );
      expect(res.status).toBe('HTTP/1.1 414 URI Too Long');
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers.connection).toBe('close');
      expect(JSON.parse(res.body)).toMatchObject({ status: 414, title: 'URI Too Long' });
    } finally {
      await proxy.shutdown();
    }
  });

  it('answers over-long headers with 431 problem+json', async () => {
    const proxy = await startHubProxy(config);
    try {
      const res = parseRaw(
        await rawExchange(
          proxy.url,
          `GET /services/turing/api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(20_000)}\r\n\r\n`,
        ),
      );
      expect(res.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 431 });
    } finally {
      await proxy.shutdown();
    }
  });

  it('answers a malformed request with 400 problem+json', async () => {
    const proxy = await startHubProxy(config);
    try {
      const res = parseRaw(await rawExchange(proxy.url, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n'));
      expect(res.status).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(res.body)).toMatchObject({ status: 400 });
    } finally {
      await proxy.shutdown();
    }
  });
});

describe('the operations listener', () => {
  it('serves /healthz, /readyz with every check and /metrics apart from the public listener', async () => {
    const proxy = await startHubProxy(config, {
      readinessChecks: [async () => ({ name: 'probe', ok: false, detail: 'cache not synced' })],
    });
    try {
      expect(proxy.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(proxy.opsUrl).not.toBe(proxy.url);
      expect(await (await fetch(`${proxy.opsUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${proxy.opsUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        ready: false,
        checks: expect.arrayContaining([{ name: 'probe', ok: false, detail: 'cache not synced' }]),
      });
      const metrics = await fetch(`${proxy.opsUrl}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toContain('turing_http_request_duration_seconds');
      expect((await fetch(`${proxy.url}/services/turing/metrics`)).status).toBe(404);
      const publicReady = await fetch(`${proxy.url}/services/turing/readyz`);
      expect(await publicReady.json()).toEqual({ ready: false });
    } finally {
      await proxy.shutdown();
    }
  });

  it('keeps answering /readyz (503) while the public listener drains, then closes', async () => {
    let release: () => void = () => undefined;
    const slow = defineRoute({
      method: 'get',
      path: '/slow',
      operationId: 'slowDrain',
      summary: 'Waits until released',
      tags: [],
      auth: 'none',
      response: z.object({ done: z.boolean() }),
      handler: async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { done: true };
      },
    });
    const proxy = await startHubProxy(config, { routes: [slow] });
    const inFlight = fetch(`${proxy.url}/services/turing/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = proxy.shutdown('test');
    await new Promise((r) => setTimeout(r, 50));
    const draining = await fetch(`${proxy.opsUrl}/readyz`, { headers: { Connection: 'close' } });
    expect(draining.status).toBe(503);
    release();
    await inFlight;
    await stopped;
    await expect(fetch(`${proxy.opsUrl}/healthz`)).rejects.toThrow();
  });
});
