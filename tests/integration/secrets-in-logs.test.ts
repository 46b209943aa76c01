import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/browser.js';
import { waitUntil } from '../support/child-process.js';
import type { InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { pythonNotebook } from '../support/notebooks.js';
import { startLocalJobsHub, type LocalJobsHub } from '../support/local-jobs-hub.js';
import {
  describeLeaks,
  findSecrets,
  isSecretCookie,
  registerSecret,
  type Secret,
} from '../support/secrets-scan.js';

/**
 * One normal flow with every log kept: a browser logs in through the hub's
 * OAuth, creates a job and runs it on the local runtime (real papermill) with
 * its cookie, a script reads the run and its log with an API token. Then
 * hub-proxy's log (debug level), the hub's log and the run's log must hold
 * none of the secrets the flow used. The run-wide scan in the global
 * teardown covers every other test file the same way.
 */
describe('secrets in logs: an OAuth login, a job created and run, its log read', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-secrets-'));
  const hubProxyLines: string[] = [];
  const secrets: Secret[] = [{ kind: 'service-token', value: serviceToken }];
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let stack: LocalJobsHub | undefined;
  let base = '';

  beforeAll(async () => {
    stack = await startLocalJobsHub({
      serviceToken,
      dir,
      // Every request line and every debug line, where a careless field would show.
      env: { TURING_LOG_LEVEL: 'debug' },
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          hubProxyLines.push(chunk.toString('utf8'));
          done();
        },
      }),
    });
    ({ hub, proxy } = stack);
    base = proxy.base;
    secrets.push(
      { kind: 'service-token', value: hub.adminToken },
      {
        kind: 'run-token-secret',
        value: createHmac('sha256', serviceToken).update('turing run tokens').digest('hex'),
      },
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('writes no token, cookie value, OAuth code or run token to hub-proxy’s, the hub’s or the run’s log', async () => {
    await hub.createUser('alice');

    // 1. The browser: hub login form, then hub-proxy's OAuth round trip.
    const browser = await hub.loginWithBrowser('alice');
    const login = await browser.fetch(
      `${base}/oauth_login?next=${encodeURIComponent('/services/turing/api/v1/me')}`,
    );
    expect(login.response.status).toBe(200);
    const callback = login.chain.map((u) => new URL(u)).find((u) => u.pathname.endsWith('/oauth_callback'));
    const code = callback?.searchParams.get('code') ?? '';
    expect(code.length).toBeGreaterThan(8);
    secrets.push({ kind: 'oauth-code', value: code });
    for (const cookie of browser.cookies().filter((c) => isSecretCookie(c.name))) {
      secrets.push({ kind: 'cookie', value: cookie.value });
    }
    const session = browser.cookie('turing-auth')?.value ?? '';
    const xsrf = browser.cookie('turing-xsrf')?.value ?? '';
    expect(session).not.toBe('');
    expect(xsrf).not.toBe('');

    // 2. The browser creates a job and starts a run with its cookie (writes need the XSRF header).
    // The cell hands the run token the runner got to the test through a file, never printing it.
    const tokenFile = join(dir, 'run-token-seen-by-the-notebook');
    const write = (path: string, body: unknown) =>
      browser.fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-XSRF-Token': xsrf },
        body: JSON.stringify(body),
        follow: false,
      });
    const notebook = pythonNotebook({
      parameters: "token_file = ''",
      cells: [
        'import os\nopen(token_file, "w").write(os.environ.get("TURING_RUN_TOKEN", ""))\nprint("token handed over")',
      ],
    });
    const created = await write('/api/v1/jobs', {
      name: 'quiet',
      notebook: { path: 'quiet.ipynb', content: notebook },
      environment: 'cpu-base',
      parameters: { token_file: tokenFile },
    });
    expect(created.response.status).toBe(201);
    const started = await write('/api/v1/jobs/quiet/runs', {});
    expect(started.response.status).toBe(201);
    const { id } = (await started.response.json()) as { id: string };

    // 3. A script follows the run and reads its log with an API token.
    const apiToken = await hub.tokenFor('alice');
    secrets.push({ kind: 'hub-api-token', value: apiToken });
    const script = (path: string) =>
      fetch(`${base}${path}`, { headers: { Authorization: `token ${apiToken}` } });
    let state = '';
    await waitUntil(
      `run ${id} finished`,
      async () => {
        state = ((await (await script(`/api/v1/runs/${id}`)).json()) as { state: string }).state;
        return !['queued', 'running'].includes(state);
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const runLog = await (await script(`/api/v1/runs/${id}/log`)).text();
    expect(state, runLog).toBe('succeeded');
    expect(runLog).toContain('token handed over');
    const runToken = readFileSync(tokenFile, 'utf8');
    expect(runToken).toMatch(/^trt\d+\.[\w-]+\.[\w-]+$/);
    secrets.push({ kind: 'run-token', value: runToken });
    registerSecret('run-token', runToken);

    // A token in the query string (JupyterHub accepts `?token=` on its own URLs, so people paste
    // such links) is logged redacted: on the request itself, and inside the `next` of the
    // silent login it sends a browser without the service cookie through.
    const cookieOnly = new Browser();
    cookieOnly.setCookie({ name: 'turing-auth', value: session, path: '/services/turing/', httpOnly: true });
    await (await cookieOnly.fetch(`${base}/api/v1/me?token=${apiToken}`)).response.body?.cancel();
    const pasted = await hub.loginWithBrowser(
      'alice',
      undefined,
      new Browser({ 'Sec-Fetch-Site': 'same-origin', Accept: 'application/json' }),
    );
    const silent = await pasted.fetch(`${base}/api/v1/me?token=${apiToken}`);
    await silent.response.body?.cancel();
    expect(silent.chain.map((u) => new URL(u).pathname)).toContain('/services/turing/oauth_login');
    for (const cookie of pasted.cookies().filter((c) => isSecretCookie(c.name))) {
      secrets.push({ kind: 'cookie', value: cookie.value });
    }

    // 4. Every log of the flow, read after hub-proxy has said all it had to.
    await new Promise((r) => setTimeout(r, 500));
    const hubProxyLog = hubProxyLines.join('');
    // The runner's own output as the local runtime captured it, wherever under its state it keeps it.
    const localRunLogs = readdirSync(join(dir, 'state'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.log'))
      .map((f) => ({ name: `state/${f}`, text: readFileSync(join(dir, 'state', f), 'utf8') }));
    const logs = [
      { name: 'hub-proxy', text: hubProxyLog },
      { name: 'jupyterhub.log', text: readFileSync(hub.logFile, 'utf8') },
      { name: 'run log (API)', text: runLog },
      ...localRunLogs,
    ];

    // Not vacuous: the logs saw the OAuth callback, the writes, the token-authenticated reads and the run.
    expect(hubProxyLog).toMatch(
      /"url":"\/services\/turing\/oauth_callback\?code=\[REDACTED\]&state=\[REDACTED\]"/,
    );
    expect(hubProxyLog).toContain('"url":"/services/turing/api/v1/me?token=[REDACTED]"');
    expect(hubProxyLog).toContain('"url":"/services/turing/oauth_login?next=');
    expect(hubProxyLog).toMatch(/"authorization":"\[REDACTED\]"/);
    expect(hubProxyLog).toMatch(/"cookie":"\[REDACTED\]"/);
    expect(hubProxyLog).toMatch(/"set-cookie":"\[REDACTED\]"/);
    expect(hubProxyLog).toContain(`/api/v1/runs/${id}/log`);
    expect(localRunLogs.map((l) => l.text).join('')).toContain('token handed over');
    expect(secrets.map((s) => s.kind)).toEqual(
      expect.arrayContaining([
        'service-token',
        'hub-api-token',
        'cookie',
        'oauth-code',
        'run-token',
        'run-token-secret',
      ]),
    );

    const leaks = logs.flatMap((log) => findSecrets(log.text, secrets, log.name));
    expect(leaks, describeLeaks(leaks)).toEqual([]);
  });
});
