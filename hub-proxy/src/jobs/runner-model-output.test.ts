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
import type { NotebookJob, NotebookJobSpec, RunRecord } from './model.js';
import { artifactKeys } from './naming.js';
import { HmacRunTokens } from './run-token.js';
import { RunnerApiService } from './runner-api.js';
import { runnerRoutes } from './runner-routes.js';
import { InMemoryJobRuntime } from './testing/in-memory-job-runtime.js';
import { notebookJobFixture } from './testing/notebook-job-fixture.js';

const MAX_OBJECT_BYTES = 64 * 1024;
const MODEL_OUTPUT: NotebookJobSpec['modelOutput'] = {
  model: 'ctr',
  path: 'model/',
  rollout: { kind: 'replace' },
};

describe('runner uploads of a model output (PUT .../model-output/files/:path)', () => {
  let dir: string;
  let artifacts: FilesystemArtifactStore;
  let runtime: InMemoryJobRuntime;
  let server: Server;
  let origin: string;
  const tokens = new HmacRunTokens('a test secret of at least sixteen characters');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-model-output-'));
    artifacts = new FilesystemArtifactStore({
      directory: dir,
      maxObjectBytes: MAX_OBJECT_BYTES,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new InMemoryJobRuntime();
    await runtime.start();
    const app = express();
    app.use(requestId(createLogger({ level: 'silent' })));
    const service = new RunnerApiService({ runtime, artifacts, tokens, maxModelOutputFiles: 3 });
    for (const { spec, handlers } of runnerRoutes(service)) app[spec.method](spec.path, ...handlers);
    app.use(problemHandler());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  let jobs = 0;
  /** A running run of a new job and the run token its runner holds. */
  async function startRun(
    spec: Partial<NotebookJobSpec> = { modelOutput: MODEL_OUTPUT },
  ): Promise<{ job: NotebookJob; run: RunRecord; token: string }> {
    const job = await runtime.definitions.create(notebookJobFixture('alice', `job-${++jobs}`, spec));
    const run = await runtime.startRun(job, { trigger: 'manual' });
    const token = tokens.issue(
      { job: job.metadata.name ?? '', uid: job.metadata.uid ?? '', owner: 'alice', run: run.id },
      3600,
    );
    return { job, run, token };
  }

  const put = (runId: string, token: string, path: string, body: string | Uint8Array<ArrayBuffer>) =>
    fetch(`${origin}/api/v1/runner/runs/${runId}/model-output/files/${encodeURIComponent(path)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });

  async function text(key: string): Promise<string | undefined> {
    const found = await artifacts.get(key);
    if (!found) return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of found.body) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  it('gives the runner the model output path in the spec', async () => {
    const { run, token } = await startRun();
    await artifacts.put(
      artifactKeys.input('alice', run.jobObjectName, 'd'.repeat(64)),
      Buffer.from('{"cells": []}'),
    );
    const res = await fetch(`${origin}/api/v1/runner/runs/${run.id}/spec`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { modelOutput?: unknown }).modelOutput).toEqual({
      model: 'ctr',
      path: 'model/',
    });
  });

  it('stores files with slashes in their path under the run prefix, byte for byte', async () => {
    const { run, token } = await startRun();
    const res = await put(run.id, token, 'variables/variables.index', 'index bytes');
    expect(res.status).toBe(201);
    const key = artifactKeys.modelOutputFile('alice', run.jobObjectName, run.id, 'variables/variables.index');
    expect(key).toBe(
      `${artifactKeys.runPrefix('alice', run.jobObjectName, run.id)}model-output/variables/variables.index`,
    );
    expect(await res.json()).toEqual({ key, sizeBytes: 11 });
    expect(await text(key)).toBe('index bytes');
  });

  it('refuses paths that leave the output root with a 400 on the path, storing nothing', async () => {
    const { run, token } = await startRun();
    for (const path of ['../escape', 'a/../../b', './x', 'a//b', 'a/']) {
      const res = await put(run.id, token, path, 'x');
      expect(res.status, path).toBe(400);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(
        problem.errors.map((e) => e.field),
        path,
      ).toEqual(['params.path']);
    }
    expect(await artifacts.keys(artifactKeys.runPrefix('alice', run.jobObjectName, run.id))).toEqual([]);
  });

  it('refuses a file over the object size limit with 413', async () => {
    const { run, token } = await startRun();
    const res = await put(run.id, token, 'big.bin', new Uint8Array(MAX_OBJECT_BYTES + 1));
    expect(res.status).toBe(413);
    expect(await artifacts.keys(artifactKeys.modelOutputPrefix('alice', run.jobObjectName, run.id))).toEqual(
      [],
    );
  });

  it('refuses a file past the file count limit, but still lets an uploaded file be replaced', async () => {
    const { run, token } = await startRun();
    for (const name of ['a', 'b', 'c']) expect((await put(run.id, token, name, name)).status).toBe(201);
    expect((await put(run.id, token, 'd', 'd')).status).toBe(413);
    expect((await put(run.id, token, 'a', 'again')).status).toBe(201);
    expect(await text(artifactKeys.modelOutputFile('alice', run.jobObjectName, run.id, 'a'))).toBe('again');
  });

  it('clears what an earlier attempt uploaded, and nothing else of the run', async () => {
    const { run, token } = await startRun();
    await put(run.id, token, 'stale.bin', 'old');
    const log = artifactKeys.runArtifact('alice', run.jobObjectName, run.id, 'log.txt');
    await artifacts.put(log, Buffer.from('log'));
    const res = await fetch(`${origin}/api/v1/runner/runs/${run.id}/model-output`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    expect(await artifacts.keys(artifactKeys.runPrefix('alice', run.jobObjectName, run.id))).toEqual([log]);
  });

  it('answers 409 to a run of a job without a model output', async () => {
    const { run, token } = await startRun({});
    const res = await put(run.id, token, 'model.json', '{}');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/declares no model output/);
  });

  it("answers 404 to another run's token and 409 once the run has ended", async () => {
    const mine = await startRun();
    const other = await startRun();
    expect((await put(mine.run.id, other.token, 'model.json', '{}')).status).toBe(404);
    await runtime.finish(mine.run.id, 'succeeded');
    expect((await put(mine.run.id, mine.token, 'model.json', '{}')).status).toBe(409);
    expect(
      await artifacts.keys(artifactKeys.runPrefix('alice', mine.run.jobObjectName, mine.run.id)),
    ).toEqual([]);
  });
});
