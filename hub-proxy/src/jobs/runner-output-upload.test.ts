import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../artifacts/filesystem-store.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import type { NotebookJob, RunRecord } from './model.js';
import { artifactKeys, type RunArtifactName } from './naming.js';
import { HmacRunTokens } from './run-token.js';
import { RunnerApiService } from './runner-api.js';
import { runnerRoutes } from './runner-routes.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';

const MAX_OBJECT_BYTES = 64 * 1024;

/** What a runner (or the user code it runs, which holds the same token) could upload. */
const trustedNotebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { signature: 'sha256:0123', kernelspec: { name: 'python3' } },
  cells: [
    {
      cell_type: 'code',
      metadata: { trusted: true },
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

describe('runner uploads of run outputs (PUT .../artifacts/:file)', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let server: Server;
  let base: string;
  let job: NotebookJob;
  let run: RunRecord;
  let token: string;
  const tokens = new HmacRunTokens('a test secret of at least sixteen characters');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-output-upload-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: MAX_OBJECT_BYTES,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    job = await runtime.definitions.create(notebookJobFixture('alice', 'daily'));
    run = await runtime.startRun(job, { trigger: 'manual' });
    token = tokens.issue(
      {
        job: job.metadata.name ?? '',
        uid: job.metadata.uid ?? '',
        owner: job.metadata.annotations?.['turing.dev/owner-name'] ?? '',
      },
      3600,
    );
    const app = express();
    app.use(requestId(createLogger({ level: 'silent' })));
    const service = new RunnerApiService({ runtime, artifacts, tokens });
    for (const { spec, handlers } of runnerRoutes(service)) app[spec.method](spec.path, ...handlers);
    app.use(problemHandler());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/runner/runs/${run.id}/artifacts`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const put = (file: RunArtifactName, body: string) =>
    fetch(`${base}/${file}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });

  async function stored(file: RunArtifactName): Promise<string | undefined> {
    const found = await artifacts.get(artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, file));
    if (!found) return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of found.body) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  it('stores an output.ipynb without any trusted or signature mark, keeping its outputs', async () => {
    const res = await put('output.ipynb', JSON.stringify(trustedNotebook));
    expect(res.status).toBe(201);
    const saved = JSON.parse((await stored('output.ipynb')) ?? 'null') as typeof trustedNotebook;
    expect(saved.metadata).toEqual({ kernelspec: { name: 'python3' } });
    expect(saved.cells[0]?.metadata).toEqual({});
    expect(saved.cells[0]?.outputs).toEqual(trustedNotebook.cells[0]?.outputs);
    expect(((await res.json()) as { sizeBytes: number }).sizeBytes).toBe(
      Buffer.byteLength(JSON.stringify(saved)),
    );
  });

  it('refuses an output.ipynb that is not notebook JSON with a 400 problem naming the body, storing nothing', async () => {
    for (const body of ['<html>not a notebook</html>', '[1, 2]', '{"cells": [']) {
      const res = await put('output.ipynb', body);
      expect(res.status, body).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { errors: Array<{ field: string }> };
      expect(problem.errors.map((e) => e.field)).toEqual(['body']);
    }
    expect(await stored('output.ipynb')).toBeUndefined();
  });

  it('refuses an output.ipynb over the object size limit with 413', async () => {
    const padded = { ...trustedNotebook, metadata: { pad: 'x'.repeat(MAX_OBJECT_BYTES) } };
    const res = await put('output.ipynb', JSON.stringify(padded));
    expect(res.status).toBe(413);
    expect(await stored('output.ipynb')).toBeUndefined();
  });

  it('stores the log and the HTML byte for byte (they are made inert when served)', async () => {
    const html = '<meta http-equiv="refresh" content="0"><script>x()</script>';
    expect((await put('output.html', html)).status).toBe(201);
    expect((await put('log.txt', 'line 1\nline 2\n')).status).toBe(201);
    expect(await stored('output.html')).toBe(html);
    expect(await stored('log.txt')).toBe('line 1\nline 2\n');
  });
});
