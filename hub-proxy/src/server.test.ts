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
    await expect(fetch(`${proxy.url}/services/turing/healthz`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await stopped;
    expect(events).toEqual(['request started', 'request finished', 'hook first', 'hook release lease']);
  });
});
