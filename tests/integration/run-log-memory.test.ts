import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../hub-proxy/src/artifacts/filesystem-store.js';
import { artifactKeys, jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { startProcess, waitUntil, type ManagedProcess } from '../support/child-process.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { pythonNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const MiB = 1024 * 1024;
const LOG_BYTES = 50 * MiB;
const READERS = 50;
/** What 50 streamed reads may add to hub-proxy's resident memory (a buffered read alone holds ~3x the log). */
const RSS_BOUND_MIB = 200;

const hubProxyMain = resolve(import.meta.dirname, '../../hub-proxy/src/main.ts');

/** A field of /proc/<pid>/status, in MiB (`VmRSS`, `VmHWM`). */
function procMemoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** 50 MiB of numbered ASCII log lines, produced a chunk at a time. */
async function* logLines(total: number): AsyncGenerator<Uint8Array> {
  let written = 0;
  let line = 0;
  while (written < total) {
    const lines: string[] = [];
    for (let i = 0; i < 1024; i++) lines.push(`line ${String(line++).padStart(9, '0')} ${'x'.repeat(48)}\n`);
    const chunk = Buffer.from(lines.join('')).subarray(0, total - written);
    written += chunk.length;
    yield chunk;
  }
}

/** Reads a response body to the end, counting bytes without keeping them. */
async function drain(res: Response): Promise<number> {
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

// hub-proxy runs as a child process, as in production, so its resident
// memory is its own: /proc/<pid>/status is read before the reads, its peak
// (VmHWM, reset just before) after them.
describe('run log reads are streamed (hub-proxy child process, real JupyterHub)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-log-memory-'));
  let hub: JupyterHub;
  let hubProxy: ManagedProcess;
  let base = '';
  let token = '';

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    await hub.createUser('alice');
    token = await hub.tokenFor('alice');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    hubProxy = startProcess(
      'hub-proxy',
      process.execPath,
      ['--import', import.meta.resolve('tsx'), hubProxyMain],
      {
        logDir: join(dir, 'logs'),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TURING_HUB_API_URL: hub.apiUrl,
          TURING_API_TOKEN: serviceToken,
          TURING_LISTEN_HOST: '127.0.0.1',
          TURING_LISTEN_PORT: String(port),
          // Its own operations port: other hub-proxies may be running on this machine.
          TURING_OPS_LISTEN_PORT: String(await freePort()),
          TURING_MODELS_API_KEY_LISTEN_PORT: '0',
          TURING_RUNTIME: 'local',
          TURING_LOG_LEVEL: 'warn',
          TURING_JOBS_STATE_DIR: join(dir, 'state'),
          TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
        },
      },
    );
    // Straight to hub-proxy: the hub's proxy is another process and would only blur the figure.
    base = `http://127.0.0.1:${port}/services/turing`;
    await waitUntil('hub-proxy ready', async () => (await fetch(`${base}/readyz`)).ok, {
      timeoutMs: 90_000,
      process: hubProxy,
    });
  });

  afterAll(async () => {
    await hubProxy?.stop();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`serves ${READERS} concurrent reads of a 50 MiB log in full within ${RSS_BOUND_MIB} MiB of extra RSS`, async () => {
    const created = await call('/api/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({
        name: 'chatty',
        environment: 'cpu-base',
        notebook: { path: 'chatty.ipynb', content: pythonNotebook({ cells: ['print("hi")'] }) },
      }),
    });
    expect(created.status).toBe(201);
    const started = await call('/api/v1/jobs/chatty/runs', { method: 'POST', body: '{}' });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    await waitUntil(
      `run ${id} finished`,
      async () =>
        ((await (await call(`/api/v1/runs/${id}`)).json()) as { state: string }).state === 'succeeded',
      { timeoutMs: 120_000, intervalMs: 250, process: hubProxy },
    );

    // The run's log becomes 50 MiB, written where hub-proxy's store keeps it.
    const store = new FilesystemArtifactStore({
      directory: join(dir, 'artifacts'),
      maxObjectBytes: 64 * MiB,
      maxOwnerBytes: 1024 * MiB,
    });
    const key = artifactKeys.runArtifact('alice', jobObjectName('alice', 'chatty'), id, 'log.txt');
    await store.put(key, logLines(LOG_BYTES), { contentType: 'text/plain; charset=utf-8' });

    // Warm up the routes (authentication cache, first-use code) before the baseline.
    expect(await drain(await call(`/api/v1/runs/${id}/log`))).toBe(LOG_BYTES);
    const pid = hubProxy.child.pid ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = procMemoryMiB(pid, 'VmRSS');
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS

    const begun = Date.now();
    const sizes = await Promise.all(
      Array.from({ length: READERS }, async () => {
        const res = await call(`/api/v1/runs/${id}/log`);
        expect(res.status).toBe(200);
        return drain(res);
      }),
    );
    const seconds = (Date.now() - begun) / 1000;
    const peak = procMemoryMiB(pid, 'VmHWM');
    const increase = peak - baseline;
    console.log(
      `FIGURE: ${READERS} concurrent reads of a ${LOG_BYTES / MiB} MiB run log: hub-proxy peak RSS ` +
        `${peak.toFixed(0)} MiB, ${increase.toFixed(0)} MiB over its ${baseline.toFixed(0)} MiB baseline ` +
        `(bound ${RSS_BOUND_MIB} MiB), ${seconds.toFixed(1)} s`,
    );
    expect(sizes).toEqual(Array.from({ length: READERS }, () => LOG_BYTES));
    expect(increase).toBeLessThan(RSS_BOUND_MIB);

    // Following the finished run streams the same bytes as events, then the end.
    const followed = await call(`/api/v1/runs/${id}/log?follow=1`);
    expect(followed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    let text = 0;
    let end = '';
    let pending = '';
    const decoder = new TextDecoder();
    for await (const chunk of followed.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      const events = pending.split('\n\n');
      pending = events.pop() ?? '';
      for (const event of events) {
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (!data) continue;
        const parsed = JSON.parse(data) as { text?: string; state?: string };
        if (parsed.text !== undefined) text += Buffer.byteLength(parsed.text);
        if (parsed.state !== undefined) end = parsed.state;
      }
    }
    expect(text).toBe(LOG_BYTES);
    expect(end).toBe('succeeded');
  });
});
