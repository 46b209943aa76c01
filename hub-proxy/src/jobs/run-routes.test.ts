import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import type { Identity } from '../auth/identity.js';
import { admin, alice } from '../auth/testing/identities.js';
import { Conflict } from '../errors/index.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { KubeConflictError, KubeNotFoundError, KubeUnavailableError } from '../k8s/errors.js';
import { createLogger } from '../observability/logger.js';
import type { JobRuntime, RunRecord } from './model.js';
import { artifactKeys, type RunArtifactName } from './naming.js';
import { runRoutes } from './run-routes.js';
import { JobRunsService } from './runs.js';
import type { JobsService } from './service.js';

function runRecord(state: RunRecord['state']): RunRecord {
  return {
    id: 'greet-r1',
    jobObjectName: 'alice-greet',
    job: 'greet',
    owner: 'alice',
    state,
    trigger: 'manual',
    attempt: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    markers: [],
  };
}

/** Just enough of a runtime for the run routes; `cancelRun` does what the test says. */
function fakeRuntime(run: RunRecord, cancelRun: () => Promise<RunRecord>): JobRuntime {
  return {
    getRun: async (id: string) => (id === run.id ? run : undefined),
    definitions: { get: () => Promise.reject(new KubeNotFoundError('not-found', 404, 'gone')) },
    cancelRun,
  } as unknown as JobRuntime;
}

let server: Server | undefined;
let directory: string;
let artifacts: FilesystemArtifactStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'turing-run-routes-'));
  artifacts = new FilesystemArtifactStore({ directory, maxObjectBytes: 1 << 20, maxOwnerBytes: 1 << 22 });
});

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(directory, { recursive: true, force: true });
});

/** The run routes behind the real problem middleware, called as `identity`. */
async function serve(runtime: JobRuntime, identity: Identity = alice): Promise<string> {
  const runs = new JobRunsService({} as JobsService, runtime, artifacts);
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use((req, _res, next) => {
    requestContext(req).identity = identity; // stands in for authenticate()
    next();
  });
  for (const { spec, handlers } of runRoutes(runs)) app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/runs/greet-r1`;
}

async function store(run: RunRecord, file: RunArtifactName, text: string | Buffer): Promise<void> {
  await artifacts.put(
    artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, file),
    Buffer.from(text),
  );
}

describe('cancelling a run', () => {
  it('that changed under the cancel (409 from the API server) is a Conflict, answered 409 not 500', async () => {
    const run = runRecord('running');
    const runtime = fakeRuntime(run, () =>
      Promise.reject(new KubeConflictError('conflict', 409, 'the object has been modified')),
    );
    const runs = new JobRunsService({} as JobsService, runtime, artifacts);
    await expect(runs.cancel(alice, run.id)).rejects.toBeInstanceOf(Conflict);

    const res = await fetch(await serve(runtime), { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      type: 'https://turing.dev/problems/conflict',
      detail: 'Run "greet-r1" changed while it was being cancelled; try again.',
    });
  });

  it('while the API server is down is a 503 with Retry-After', async () => {
    const runtime = fakeRuntime(runRecord('running'), () =>
      Promise.reject(new KubeUnavailableError('unavailable', 0, 'Kubernetes API unreachable: ECONNREFUSED')),
    );
    const res = await fetch(await serve(runtime), { method: 'DELETE' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.text()).not.toContain('ECONNREFUSED');
  });
});

describe('run log and output on the wire', () => {
  it('answers the stored log as text/plain', async () => {
    const run = runRecord('succeeded');
    await store(run, 'log.txt', 'hello\n');
    const res = await fetch(`${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/log`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('hello\n');
  });

  it('follows a finished run as events: the log, then `end` with the state', async () => {
    const run = runRecord('succeeded');
    await store(run, 'log.txt', 'line 1\nline 2\n');
    const res = await fetch(`${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/log?follow=1`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await res.text()).toBe(
      'data: {"text":"line 1\\nline 2\\n"}\n\nevent: end\ndata: {"state":"succeeded"}\n\n',
    );
  });

  it("answers someone else's run with a 404 problem before any stream starts", async () => {
    const run = runRecord('running');
    const bob = { ...alice, name: 'bob' };
    const res = await fetch(
      `${await serve(
        fakeRuntime(run, () => Promise.resolve(run)),
        bob,
      )}/log?follow=1`,
    );
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('serves the HTML output sandboxed, with its length and file name', async () => {
    const run = runRecord('succeeded');
    await store(run, 'output.html', '<p>bonjour</p>');
    const url = await serve(fakeRuntime(run, () => Promise.resolve(run)));
    const res = await fetch(`${url}/output?format=html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(
      "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    );
    expect(res.headers.get('content-disposition')).toBe('inline; filename="greet-r1.html"');
    expect(res.headers.get('content-length')).toBe('14');
    expect(await res.text()).toBe('<p>bonjour</p>');
    const missing = await fetch(`${url}/output`);
    expect(missing.status).toBe(404);
  });
});

/** The CSP of every body a run's owner controls: no scripts, no fetches, an opaque origin. */
const SANDBOX_CSP = "sandbox; default-src 'none'";

async function* textEvents(res: Response): AsyncGenerator<{ event?: string; data: Record<string, string> }> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    const frames = pending.split('\n\n');
    pending = frames.pop() ?? '';
    for (const frame of frames) {
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data === undefined) continue;
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      yield { ...(event ? { event } : {}), data: JSON.parse(data) as Record<string, string> };
    }
  }
}

describe('run outputs and logs are inert for whoever views them', () => {
  const trustedNotebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { signature: 'sha256:0123', kernelspec: { name: 'python3' } },
    cells: [
      {
        cell_type: 'code',
        metadata: { trusted: true, tags: ['report'] },
        source: 'show()',
        execution_count: 1,
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'text/html': '<script>window.__pwned=1</script>' },
          },
        ],
      },
    ],
  };

  it('serves a stored ipynb without trusted or signature marks, sandboxed, not sniffable, with its real length', async () => {
    const run = runRecord('succeeded');
    await store(run, 'output.ipynb', JSON.stringify(trustedNotebook));
    const res = await fetch(
      `${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/output?format=ipynb`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ipynb+json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(SANDBOX_CSP);
    expect(res.headers.get('content-disposition')).toBe('inline; filename="greet-r1.ipynb"');
    const body = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    const notebook = JSON.parse(body) as typeof trustedNotebook;
    expect(notebook.metadata).toEqual({ kernelspec: { name: 'python3' } });
    expect(notebook.cells[0]?.metadata).toEqual({ tags: ['report'] });
    expect(notebook.cells[0]?.outputs).toEqual(trustedNotebook.cells[0]?.outputs);
  });

  it('answers a stored ipynb that is not a notebook with a 502 problem, never its bytes', async () => {
    const run = runRecord('succeeded');
    await store(run, 'output.ipynb', '<script>window.__pwned=1</script>');
    const res = await fetch(
      `${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/output?format=ipynb`,
    );
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.text()).not.toContain('__pwned');
  });

  it('serves the HTML output with its meta refresh neutralised, scripts never allowed, not sniffable', async () => {
    const run = runRecord('succeeded');
    const page =
      '<html><head><META HTTP-EQUIV="Refresh" content="0;url=https://evil.example/"></head>' +
      '<body><script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"></body></html>';
    await store(run, 'output.html', page);
    const res = await fetch(
      `${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/output?format=html`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp.startsWith(`${SANDBOX_CSP};`)).toBe(true);
    expect(csp).not.toMatch(/allow-scripts|script-src|unsafe-eval/);
    const body = await res.text();
    expect(body).not.toMatch(/http-equiv/i);
    expect(body).toHaveLength(page.length);
    expect(res.headers.get('content-length')).toBe(String(page.length));
  });

  it('serves the plain log streamed to its end, not sniffable and sandboxed', async () => {
    const run = runRecord('succeeded');
    // Several read chunks, with multi-byte characters on the way.
    const log = Array.from({ length: 40_000 }, (_, i) => `line ${i} é 中 🚀\n`).join('');
    await store(run, 'log.txt', log);
    const res = await fetch(`${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/log`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(SANDBOX_CSP);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(log)));
    expect(await res.text()).toBe(log);
  });

  it('answers an empty plain log, not sniffable, while nothing is stored', async () => {
    const run = runRecord('running');
    const res = await fetch(`${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/log`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('');
  });

  it('follows a long stored log as several events carrying all of it, not sniffable and sandboxed', async () => {
    const run = runRecord('failed');
    const log = Array.from({ length: 40_000 }, (_, i) => `line ${i} é 中 🚀\n`).join('');
    await store(run, 'log.txt', log);
    const res = await fetch(`${await serve(fakeRuntime(run, () => Promise.resolve(run)))}/log?follow=1`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(SANDBOX_CSP);
    let text = '';
    let events = 0;
    let end: string | undefined;
    for await (const { event, data } of textEvents(res)) {
      if (event === 'end') end = data.state;
      else {
        text += data.text;
        events += 1;
      }
    }
    expect(text).toBe(log);
    expect(events).toBeGreaterThan(1);
    expect(end).toBe('failed');
  });
});

describe('?user= on run routes', () => {
  it("lets an admin name the run's owner, and answers 404 when the run is someone else's", async () => {
    const run = runRecord('succeeded');
    await store(run, 'log.txt', 'hello\n');
    await store(run, 'output.html', '<p>hi</p>');
    const url = await serve(
      fakeRuntime(run, () => Promise.resolve(run)),
      admin,
    );
    for (const path of ['', '/log', '/log?follow=1', '/output?format=html']) {
      const join = path.includes('?') ? '&' : '?';
      const owner = await fetch(`${url}${path}${join}user=alice`);
      expect(owner.status, `${path} as alice's`).toBe(200);
      await owner.body?.cancel();
      const other = await fetch(`${url}${path}${join}user=bob`);
      expect(other.status, `${path} as bob's`).toBe(404);
      await other.body?.cancel();
    }
    const cancel = await fetch(`${url}?user=bob`, { method: 'DELETE' });
    expect(cancel.status).toBe(404);
  });
});
