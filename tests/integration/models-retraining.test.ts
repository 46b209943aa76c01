import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startLocalJobsHub, type LocalJobsHub } from '../support/local-jobs-hub.js';
import { pythonNotebook } from '../support/notebooks.js';

/**
 * Scheduled retraining flows into serving, end to end on the local runtime:
 * a job whose notebook trains an xgboost model (real runner and papermill)
 * declares a model output; each successful run becomes the next version of
 * the served model (real models feature and MLServer); a failed run
 * publishes nothing.
 */
describe('models: retraining jobs publish versions into serving', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turing-retraining-'));
  let stack: LocalJobsHub;
  let base: string;

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `token ${stack.tokens.alice}`, 'Content-Type': 'application/json' },
    });
  const json = async <T>(path: string, init: RequestInit = {}, status = 200): Promise<T> => {
    const res = await call(path, init);
    const text = await res.text();
    if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  interface Run {
    id: string;
    state: string;
    modelOutput?: { model: string; version?: number; error?: string };
  }

  /** The run once it ended and the lifecycle recorded it (so "nothing published" is final). */
  async function settled(id: string): Promise<Run> {
    await eventually(
      `run ${id} recorded`,
      180_000,
      async () => {
        const record = await readFile(join(dir, 'stack', 'state', 'runs', `${id}.json`), 'utf8').catch(
          () => '{}',
        );
        return ((JSON.parse(record) as { markers?: string[] }).markers ?? []).includes('recorded');
      },
      250,
    );
    return json<Run>(`/api/v1/runs/${id}`);
  }

  async function runNow(parameters: Record<string, unknown>): Promise<string> {
    const run = await json<Run>(
      '/api/v1/jobs/retrain-ctr/runs',
      { method: 'POST', body: JSON.stringify({ parameters }) },
      201,
    );
    return run.id;
  }

  beforeAll(async () => {
    stack = await startLocalJobsHub({
      serviceToken: randomBytes(24).toString('hex'),
      dir: join(dir, 'stack'),
      users: ['alice'],
    });
    base = stack.proxy.base;
    const notebook = pythonNotebook({
      parameters: 'seed = 1\ntrees = 5\nfail = False',
      cells: [
        [
          'import os',
          'import numpy as np',
          'import xgboost as xgb',
          'rng = np.random.default_rng(seed)',
          'X = rng.normal(size=(200, 4)).astype(np.float32)',
          'y = (X[:, 0] - X[:, 2] > 0).astype(int)',
          'model = xgb.XGBClassifier(n_estimators=trees, max_depth=3).fit(X, y)',
          'os.makedirs("model", exist_ok=True)',
          'model.save_model("model/model.json")',
        ].join('\n'),
        'if fail:\n    raise RuntimeError("validation AUC too low; not publishing")',
      ],
    });
    await json(
      '/api/v1/jobs',
      {
        method: 'POST',
        body: JSON.stringify({
          name: 'retrain-ctr',
          notebook: { path: 'retrain-ctr.ipynb', content: notebook },
          environment: 'cpu-base',
          modelOutput: { model: 'ctr-retrained', path: 'model/', rollout: { kind: 'canary', percent: 20 } },
        }),
      },
      201,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('publishes version 1 from the first run and version 2 as a 20% canary from the second', async () => {
    const first = await settled(await runNow({ seed: 1 }));
    expect(first.state).toBe('succeeded');
    expect(first.modelOutput).toEqual({ model: 'ctr-retrained', version: 1 });

    const second = await settled(await runNow({ seed: 2, trees: 8 }));
    expect(second.state).toBe('succeeded');
    expect(second.modelOutput).toEqual({ model: 'ctr-retrained', version: 2 });

    const model = await json<{
      versions: { version: number; source: unknown }[];
      traffic: unknown;
      format: string;
    }>('/api/v1/models/ctr-retrained');
    expect(model.format).toBe('xgboost');
    expect(model.versions.map((v) => v.source)).toEqual([
      { kind: 'job', job: 'retrain-ctr', run: first.id },
      { kind: 'job', job: 'retrain-ctr', run: second.id },
    ]);
    expect(model.traffic).toEqual({ stable: 1, canary: 2, canaryPercent: 20 });
  });

  it('serves both published versions through the gateway', async () => {
    await eventually(
      'ctr-retrained serving versions 1 and 2',
      120_000,
      async () => {
        const view = await json<{ status: { phase: string; servingVersions: number[]; message?: string } }>(
          '/api/v1/models/ctr-retrained',
        );
        if (view.status.phase === 'Failed') throw new Error(view.status.message);
        return view.status.phase === 'Ready' && view.status.servingVersions.length === 2;
      },
      500,
    );
    const infer = (version: number) =>
      call(`/models/ctr-retrained/v2/models/ctr-retrained/versions/${version}/infer`, {
        method: 'POST',
        body: JSON.stringify({
          inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [0.5, 0, -0.5, 1] }],
        }),
      });
    for (const version of [1, 2]) {
      const res = await infer(version);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(res.headers.get('x-turing-model-version')).toBe(String(version));
    }
  });

  it('publishes nothing from a run that fails after writing its model', async () => {
    const failed = await settled(await runNow({ seed: 3, fail: true }));
    expect(failed.state).toBe('failed');
    expect(failed.modelOutput).toBeUndefined();
    const model = await json<{ versions: unknown[] }>('/api/v1/models/ctr-retrained');
    expect(model.versions).toHaveLength(2);
  });
});
