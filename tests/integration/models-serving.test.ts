import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startLocalJobsHub, type LocalJobsHub } from '../support/local-jobs-hub.js';
import { exportKerasDense, trainXgboost, type TrainedModel } from '../support/serving-python.js';

/**
 * Real serving on the local runtime: models trained in the test are
 * published through the API (upload, commit), served by MLServer 1.7.1 and
 * the TF Serving stand-in, and predicted through the gateway behind the
 * real JupyterHub, with the numbers the models themselves give.
 */
describe('models: publish through the API and predict through the gateway (local runtime)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turing-models-e2e-'));
  let stack: LocalJobsHub;
  let base: string;
  let apiKeyBase: string;
  let xgbV1: TrainedModel;
  let xgbV2: TrainedModel;
  let keras: TrainedModel;

  const call = (user: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `token ${stack.tokens[user]}`);
    if (typeof init.body === 'string' && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return fetch(`${base}${path}`, { ...init, headers });
  };
  const json = async <T>(user: string, path: string, init: RequestInit = {}, status = 200): Promise<T> => {
    const res = await call(user, path, init);
    const text = await res.text();
    if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  /** Every file under `root` (a file alone keeps its base name), as the Lab extension sends them. */
  function filesOf(root: string): { path: string; bytes: Buffer }[] {
    if (statSync(root).isFile()) return [{ path: basename(root), bytes: readFileSync(root) }];
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const full = join(e.parentPath, e.name);
        return { path: relative(root, full), bytes: readFileSync(full) };
      });
  }

  async function publish(user: string, model: string, source: string, rollout: unknown, status = 201) {
    const files = filesOf(source);
    const upload = await json<{ uploadId: string }>(
      user,
      `/api/v1/models/${model}/uploads`,
      {
        method: 'POST',
        body: JSON.stringify({ files: files.map((f) => ({ path: f.path, sizeBytes: f.bytes.length })) }),
      },
      201,
    );
    for (const file of files) {
      const res = await call(
        user,
        `/api/v1/models/${model}/uploads/${upload.uploadId}/files/${encodeURIComponent(file.path)}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: new Uint8Array(file.bytes),
        },
      );
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const res = await call(user, `/api/v1/models/${model}/uploads/${upload.uploadId}/commit`, {
      method: 'POST',
      body: JSON.stringify({ rollout }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body;
  }

  async function ready(model: string, versions: number[]) {
    return eventually(
      `model ${model} ready with versions ${versions.join(', ')}`,
      120_000,
      async () => {
        const view = await json<{ status: { phase: string; servingVersions: number[]; message?: string } }>(
          'alice',
          `/api/v1/models/${model}`,
        );
        if (view.status.phase === 'Failed') throw new Error(`model ${model} failed: ${view.status.message}`);
        const serving = versions.every((v) => view.status.servingVersions.includes(v));
        return view.status.phase === 'Ready' && serving ? view : undefined;
      },
      500,
    );
  }

  const inferBody = (rows: number[][]) => ({
    inputs: [
      { name: 'input-0', shape: [rows.length, rows[0]?.length ?? 0], datatype: 'FP32', data: rows.flat() },
    ],
    outputs: [{ name: 'predict_proba' }],
  });
  const probabilities = (body: { outputs: { data: number[] }[] }) => body.outputs[0]?.data ?? [];

  beforeAll(async () => {
    const serviceToken = randomBytes(24).toString('hex');
    stack = await startLocalJobsHub({
      serviceToken,
      dir: join(dir, 'stack'),
      users: ['alice', 'bob', 'carol'],
      env: { TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: '1' },
    });
    base = stack.proxy.base;
    apiKeyBase = stack.proxy.proxy.listenerUrls['models-api-key'] ?? '';
    xgbV1 = await trainXgboost(join(dir, 'v1.json'), { trees: 5, seed: 1 });
    xgbV2 = await trainXgboost(join(dir, 'v2.json'), { trees: 20, seed: 2 });
    keras = await exportKerasDense(join(dir, 'keras'), {
      kernel: [
        [0.5, -1],
        [1, 0.25],
        [-2, 0.5],
        [0.1, 3],
      ],
      bias: [0.2, -0.1],
      inputs: [
        [1, 2, 3, 4],
        [0.5, -0.5, 0, 1],
      ],
    });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('serves an xgboost model trained in the test with its own probabilities', async () => {
    await json(
      'alice',
      '/api/v1/models',
      {
        method: 'POST',
        body: JSON.stringify({
          name: 'ctr',
          runtime: { kind: 'mlserver', version: '1.7.1' },
          resources: { cpu: '1', memory: '1Gi', gpu: 0 },
        }),
      },
      201,
    );
    const version = await publish('alice', 'ctr', xgbV1.path, { kind: 'replace' });
    expect(version).toMatchObject({ version: 1, format: 'xgboost', modelFile: 'v1.json' });
    await ready('ctr', [1]);

    const res = await call('alice', '/models/ctr/v2/models/ctr/infer', {
      method: 'POST',
      body: JSON.stringify(inferBody(xgbV1.inputs)),
    });
    const body = (await res.json()) as { outputs: { data: number[] }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('x-turing-model-version')).toBe('1');
    const expected = xgbV1.predictions.flat();
    probabilities(body).forEach((p, i) => expect(p).toBeCloseTo(expected[i] ?? NaN, 5));
  });

  it('splits traffic to a canary by weight, and promote and roll back move it', async () => {
    await publish('alice', 'ctr', xgbV2.path, { kind: 'canary', percent: 50 });
    await ready('ctr', [1, 2]);
    const seen: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const res = await call('alice', '/models/ctr/v2/models/ctr/infer', {
        method: 'POST',
        body: JSON.stringify(inferBody(xgbV1.inputs)),
      });
      expect(res.status).toBe(200);
      const served = res.headers.get('x-turing-model-version') ?? 'none';
      seen[served] = (seen[served] ?? 0) + 1;
      const expected = (served === '2' ? xgbV2 : xgbV1).predictions.flat();
      probabilities((await res.json()) as never).forEach((p, i) =>
        expect(p).toBeCloseTo(expected[i] ?? NaN, 5),
      );
    }
    expect(seen['1']).toBeGreaterThan(10);
    expect(seen['2']).toBeGreaterThan(10);

    const promoted = await json<{ traffic: unknown }>('alice', '/api/v1/models/ctr/traffic/promote', {
      method: 'POST',
    });
    expect(promoted.traffic).toEqual({ stable: 2, canaryPercent: 0 });
    await eventually(
      'only version 2 answers after promote',
      60_000,
      async () => {
        const res = await call('alice', '/models/ctr/v2/models/ctr/infer', {
          method: 'POST',
          body: JSON.stringify(inferBody(xgbV1.inputs)),
        });
        return res.headers.get('x-turing-model-version') === '2' ? true : undefined;
      },
      250,
    );
    const rolledBack = await json<{ traffic: unknown }>('alice', '/api/v1/models/ctr/traffic/rollback', {
      method: 'POST',
    });
    expect(rolledBack.traffic).toEqual({ stable: 1, canary: 2, canaryPercent: 50 });
  });

  it('serves a Keras SavedModel through the TF Serving REST API with the signature read from the proto', async () => {
    await json(
      'alice',
      '/api/v1/models',
      {
        method: 'POST',
        body: JSON.stringify({ name: 'scores', runtime: { kind: 'tfserving', version: '2.19.0' } }),
      },
      201,
    );
    const version = await publish('alice', 'scores', keras.path, { kind: 'replace' });
    expect(version).toMatchObject({ version: 1, format: 'tensorflow' });
    expect((version.signature as { inputs: unknown[] }).inputs).toEqual([
      { name: 'features', dtype: 'DT_FLOAT', shape: [-1, 4] },
    ]);
    await ready('scores', [1]);
    const res = await call('alice', '/models/scores/v1/models/scores:predict', {
      method: 'POST',
      body: JSON.stringify({ instances: keras.inputs }),
    });
    const body = (await res.json()) as { predictions: number[][] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    body.predictions.flat().forEach((p, i) => expect(p).toBeCloseTo(keras.predictions.flat()[i] ?? NaN, 4));
    const status = (await (await call('alice', '/models/scores/v1/models/scores')).json()) as {
      model_version_status: { state: string }[];
    };
    expect(status.model_version_status[0]?.state).toBe('AVAILABLE');
  });

  it('lets only its owner and the users it names call a model', async () => {
    const path = '/models/ctr/v2/models/ctr/infer';
    const body = JSON.stringify(inferBody(xgbV1.inputs));
    expect((await call('bob', path, { method: 'POST', body })).status).toBe(404);
    await json('alice', '/api/v1/models/ctr', {
      method: 'PATCH',
      body: JSON.stringify({ access: { users: ['bob'] } }),
    });
    expect((await call('bob', path, { method: 'POST', body })).status).toBe(200);
    expect((await call('carol', path, { method: 'POST', body })).status).toBe(404);
    expect((await call('bob', '/api/v1/models/ctr')).status).toBe(404);
  });

  it('takes API keys on the in-cluster listener only while they exist and the model allows them', async () => {
    const body = JSON.stringify(inferBody(xgbV1.inputs));
    const key = await json<{ id: string; key: string }>(
      'alice',
      '/api/v1/models/ctr/api-keys',
      {
        method: 'POST',
        body: JSON.stringify({ label: 'scorer' }),
      },
      201,
    );
    const viaKey = (k: string) =>
      fetch(`${apiKeyBase}/models/ctr/v2/models/ctr/infer`, {
        method: 'POST',
        headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
        body,
      });
    expect((await viaKey(key.key)).status).toBe(401);
    await json('alice', '/api/v1/models/ctr', {
      method: 'PATCH',
      body: JSON.stringify({ access: { users: [], groups: [], apiKeys: true } }),
    });
    expect((await viaKey(key.key)).status).toBe(200);
    expect((await viaKey(`${key.key.slice(0, -1)}x`)).status).toBe(401);
    await json('alice', `/api/v1/models/ctr/api-keys/${key.id}`, { method: 'DELETE' }, 204);
    expect((await viaKey(key.key)).status).toBe(401);
  });

  it('answers a folder that is not a model with 422 naming what was expected, and keeps the model as it was', async () => {
    const before = await json<{ versions: unknown[] }>('alice', '/api/v1/models/ctr');
    const notes = join(dir, 'notes');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(notes);
    writeFileSync(join(notes, 'data.csv'), 'a,b\n1,2\n');
    writeFileSync(join(notes, 'README.md'), '# notes\n');
    const problem = await publish('alice', 'ctr', notes, { kind: 'replace' }, 422);
    expect(problem).toMatchObject({ status: 422 });
    expect(String(problem.detail)).toMatch(
      /expected a TensorFlow SavedModel folder .* an xgboost model .* an sklearn model/,
    );
    expect((await json<{ versions: unknown[] }>('alice', '/api/v1/models/ctr')).versions).toHaveLength(
      before.versions.length,
    );
  });

  it('deletes a model and stops serving it', async () => {
    await json('alice', '/api/v1/models/scores', { method: 'DELETE' }, 204);
    expect((await call('alice', '/models/scores/v1/models/scores')).status).toBe(404);
    expect((await call('alice', '/api/v1/models/scores')).status).toBe(404);
  });
});
