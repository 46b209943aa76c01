import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { startLocalJobsHub, type LocalJobsHub } from '../support/local-jobs-hub.js';

const TTL_MS = 10_000;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

/**
 * The real JupyterHub stops (its proxy with it) while hub-proxy keeps
 * running, then comes back on the same ports with the same database. The
 * test talks to hub-proxy's own port: the hub's proxy, the usual way in, is
 * down too.
 */
describe('hub-proxy while JupyterHub is down', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-hub-outage-'));
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let direct = '';
  let tokens: Record<string, string> = {};
  let stack: LocalJobsHub | undefined;

  const me = (token: string) =>
    fetch(`${direct}/api/v1/me`, {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(15_000),
    });

  async function expectRetryable(res: Response): Promise<Problem> {
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = res.headers.get('retry-after');
    expect(retryAfter, 'Retry-After').toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const problem = (await res.json()) as Problem;
    expect(problem).toMatchObject({ status: 503, type: expect.stringMatching(/unavailable$/) });
    // Names the hub, not a stack or the hub's address.
    expect(problem.detail).toMatch(/JupyterHub/);
    expect(JSON.stringify(problem)).not.toMatch(/127\.0\.0\.1|\.ts:\d+|ECONNREFUSED/);
    return problem;
  }

  beforeAll(async () => {
    stack = await startLocalJobsHub({
      serviceToken,
      dir,
      users: ['alice', 'bob'],
      env: { TURING_SCOPE_CACHE_TTL_MS: String(TTL_MS) },
    });
    ({ hub, proxy, tokens } = stack);
    direct = `${proxy.proxy.url}/services/turing`;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 problem+json with Retry-After for a token it has not cached, serves cached identities until their TTL ends, and recovers when the hub is back on the same port', async () => {
    const alice = tokens.alice ?? '';
    const bob = tokens.bob ?? '';
    // alice's identity is cached; bob has not called yet.
    expect((await me(alice)).status).toBe(200);
    const cachedAt = Date.now();

    await hub.stop({ keepFiles: true });
    expect(await fetch(`${hub.apiUrl}/`).catch(() => 'refused')).toBe('refused');

    // Not cached: the identity cannot be checked, which is temporary, not the caller's fault.
    const started = Date.now();
    await expectRetryable(await me(bob));
    expect(Date.now() - started, 'answers at once, no hang').toBeLessThan(6_000);
    await expectRetryable(
      await fetch(`${direct}/api/v1/jobs`, { headers: { Authorization: `token ${bob}` } }),
    );
    // Cached: alice keeps working for the rest of the TTL.
    const early = await me(alice);
    expect(Date.now() - cachedAt, 'still within the TTL').toBeLessThan(TTL_MS);
    expect(early.status).toBe(200);
    expect(((await early.json()) as { name: string }).name).toBe('alice');

    // After the TTL the cached identity is gone, and alice gets the same retryable 503.
    await new Promise((r) => setTimeout(r, Math.max(0, TTL_MS - (Date.now() - cachedAt)) + 500));
    await expectRetryable(await me(alice));

    // The hub comes back where it was, with its database: both tokens work again, no restart of hub-proxy.
    await hub.start();
    for (const [name, token] of [
      ['bob', bob],
      ['alice', alice],
    ] as const) {
      const res = await me(token);
      expect(res.status, name).toBe(200);
      expect(((await res.json()) as { name: string }).name).toBe(name);
    }
    // And through the hub's proxy again.
    const viaHub = await fetch(`${proxy.base}/api/v1/me`, { headers: { Authorization: `token ${bob}` } });
    expect(viaHub.status).toBe(200);
  });

  it('answers 503 with Retry-After, not 502, while the hub has crashed and its proxy answers 503 for it', async () => {
    // Independent of the test before: the hub is up when this starts.
    if (
      !(await fetch(`${hub.apiUrl}/`)
        .then((r) => r.ok)
        .catch(() => false))
    )
      await hub.start();
    await hub.createUser('carol');
    const carol = await hub.tokenFor('carol');
    await hub.crash();
    // The hub's proxy is still up and says the hub is unavailable.
    const proxied = await fetch(`${hub.apiUrl}/user`, { headers: { Authorization: `token ${carol}` } });
    expect(proxied.status).toBe(503);

    await expectRetryable(await me(carol));

    await hub.start();
    const back = await me(carol);
    expect(back.status).toBe(200);
    expect(((await back.json()) as { name: string }).name).toBe('carol');
  });
});
