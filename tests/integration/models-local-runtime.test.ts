/**
 * The local models runtime with real serving processes: MLServer 1.7.1 for
 * an xgboost and an sklearn model trained here, the TF Serving stand-in for
 * a Keras SavedModel exported here. Predictions go to the endpoints the
 * runtime's EndpointSource reports and must equal the models' own.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../hub-proxy/src/models/gateway/endpoint-source.js';
import { LocalModelRuntime } from '../../hub-proxy/src/models/local/index.js';
import type { ModelFormat, ModelRecord, ModelSpec, ModelVersion } from '../../hub-proxy/src/models/model.js';
import { Conflict } from '../../hub-proxy/src/errors/index.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { eventually } from '../support/eventually.js';
import {
  exportKerasDense,
  FOUR_FEATURE_ROWS,
  trainSklearn,
  trainXgboost,
  type TrainedModel,
} from '../support/serving-python.js';

const READY_MS = 120_000;
const SECRET = `do-not-pass-${Date.now()}`;

let dir: string;
let stateDir: string;
/** Source folder of each model's versions: `<sources>/<model>/<version>/`. */
let sources: string;
let runtime: LocalModelRuntime;
let xgb1: TrainedModel;
let xgb2: TrainedModel;
let sk1: TrainedModel;
let dense1: TrainedModel;

async function materialize(spec: ModelSpec, version: ModelVersion, target: string): Promise<void> {
  await cp(join(sources, spec.name, String(version.version)), target, { recursive: true });
}

function newRuntime(): LocalModelRuntime {
  return new LocalModelRuntime({
    stateDir,
    materialize,
    logger: createLogger({ level: 'warn' }),
    retryBackoff: { initialMs: 500, factor: 2, maxMs: 4_000, jitter: 0 },
    drainMs: 300,
  });
}

async function versionOf(
  model: string,
  version: number,
  format: ModelFormat,
  modelFile?: string,
): Promise<ModelVersion> {
  const root = join(sources, model, String(version));
  const files = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ path: relative(root, path), sizeBytes: (await stat(path)).size });
  }
  return {
    version,
    format,
    ...(modelFile ? { modelFile } : {}),
    files,
    storagePrefix: `users/alice/models/${model}/blobs/${version}/`,
    sizeBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
    source: { kind: 'upload', by: 'alice' },
    createdAt: new Date().toISOString(),
  };
}

function specOf(name: string, format: ModelFormat, versions: ModelVersion[], stable: number): ModelSpec {
  return {
    name,
    owner: 'alice',
    runtime: { kind: format === 'tensorflow' ? 'tfserving' : 'mlserver', version: 'local', gpu: false },
    format,
    replicas: { min: 1, max: 1 },
    resources: { cpu: '500m', memory: '1Gi', gpu: 0 },
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions,
    traffic: { stable, canaryPercent: 0 },
    disabled: false,
  };
}

async function waitForPhase(
  name: string,
  phase: ModelRecord['status']['phase'],
  check: (r: ModelRecord) => boolean = () => true,
  rt: LocalModelRuntime = runtime,
): Promise<ModelRecord> {
  let last: ModelRecord | undefined;
  try {
    return await eventually(
      `${name} to be ${phase}`,
      READY_MS,
      async () => {
        last = await rt.get(name);
        return last && last.status.phase === phase && check(last) ? last : undefined;
      },
      100,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
}

/** V2 inference of `rows` by `version`; the rows of `predict_proba`. */
async function infer(
  endpoint: Endpoint,
  model: string,
  version: number,
  rows: number[][],
  datatype: 'FP32' | 'FP64' = 'FP32',
): Promise<number[][]> {
  const res = await fetch(`${endpoint.url}/v2/models/${model}/versions/${version}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      inputs: [{ name: 'input-0', shape: [rows.length, rows[0]?.length ?? 0], datatype, data: rows.flat() }],
      outputs: [{ name: 'predict_proba' }],
    }),
  });
  const body = (await res.json()) as {
    model_version?: string;
    outputs?: Array<{ shape: number[]; data: number[] }>;
  };
  if (res.status !== 200) throw new Error(`infer ${model}/${version}: ${res.status} ${JSON.stringify(body)}`);
  expect(body.model_version).toBe(String(version));
  const [out] = body.outputs ?? [];
  if (!out) throw new Error(`infer ${model}/${version}: no outputs in ${JSON.stringify(body)}`);
  const [height = 0, width = 0] = out.shape;
  return Array.from({ length: height }, (_, i) => out.data.slice(i * width, (i + 1) * width));
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((row, i) => row.forEach((v, j) => expect(actual[i]?.[j]).toBeCloseTo(v, 5)));
}

function onlyEndpoint(name: string, rt: LocalModelRuntime = runtime): Endpoint {
  const endpoints = rt.endpoints.endpoints(name);
  expect(endpoints).toHaveLength(1);
  const [endpoint] = endpoints;
  if (!endpoint) throw new Error(`${name} has no endpoint`);
  return endpoint;
}

/** True once nothing accepts connections on the endpoint's port. */
function refusesConnections(endpoint: Endpoint): Promise<boolean> {
  const url = new URL(endpoint.url);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function recordOf(name: string): Promise<ModelRecord> {
  const record = await runtime.get(name);
  if (!record) throw new Error(`no model ${name}`);
  return record;
}

/** Pids in the pid files of `model`'s serving processes. */
async function servingPids(model: string): Promise<number[]> {
  const root = join(stateDir, 'serving', model);
  const ids = await readdir(root).catch(() => []);
  const pids = await Promise.all(
    ids.map(async (id) => Number((await readFile(join(root, id, 'pid'), 'utf8').catch(() => '0')).trim())),
  );
  return pids.filter((p) => p > 0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'models-local-'));
  stateDir = join(dir, 'state');
  sources = join(dir, 'sources');
  for (const folder of ['xgb/1', 'xgb/2', 'sk/1', 'broken/1', 'tfbroken/1/variables']) {
    await mkdir(join(sources, folder), { recursive: true });
  }
  // Two xgboost versions that differ, trained as a notebook would in .venv.
  xgb1 = await trainXgboost(join(sources, 'xgb', '1', 'model.json'), { trees: 5, seed: 0 });
  xgb2 = await trainXgboost(join(sources, 'xgb', '2', 'model.ubj'), { trees: 25, seed: 1 });
  sk1 = await trainSklearn(join(sources, 'sk', '1', 'model.joblib'));
  dense1 = await exportKerasDense(join(sources, 'dense', '1'), {
    kernel: [
      [0.5, -1],
      [2, 0.25],
      [-1.5, 1],
      [1, 1],
    ],
    bias: [0.1, -0.2],
    inputs: FOUR_FEATURE_ROWS,
  });
  await writeFile(join(sources, 'broken', '1', 'model.json'), 'not an xgboost model\n');
  await writeFile(join(sources, 'tfbroken', '1', 'saved_model.pb'), 'not a SavedModel proto');
  // A secret in hub-proxy's environment must not reach serving processes.
  process.env.TURING_MODELS_TEST_SECRET = SECRET;
  runtime = newRuntime();
  await runtime.start();
}, 180_000);

afterAll(async () => {
  delete process.env.TURING_MODELS_TEST_SECRET;
  await runtime?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('LocalModelRuntime', () => {
  it('serves an xgboost model with MLServer, predicting what the model itself predicts', async () => {
    await runtime.create(specOf('xgb', 'xgboost', [await versionOf('xgb', 1, 'xgboost', 'model.json')], 1));
    const record = await waitForPhase('xgb', 'Ready');
    expect(record.status).toMatchObject({ replicas: 1, readyReplicas: 1, servingVersions: [1] });
    const endpoint = onlyEndpoint('xgb');
    expect(endpoint).toMatchObject({ id: expect.stringMatching(/^local-\d+$/), versions: [1] });
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expectClose(await infer(endpoint, 'xgb', 1, FOUR_FEATURE_ROWS), xgb1.predictions);
  });

  it('starts serving processes with a minimal environment and one OpenMP thread', async () => {
    const [pid] = await servingPids('xgb');
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    expect(environ).toContain('OMP_NUM_THREADS=1');
    expect(environ.join('\n')).not.toContain(SECRET);
  });

  it('refuses a stale resourceVersion and a name that exists, with Conflict', async () => {
    const record = await recordOf('xgb');
    await expect(
      runtime.update({ ...record.spec, disabled: true }, `${record.resourceVersion}0`),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(runtime.create(record.spec)).rejects.toBeInstanceOf(Conflict);
    expect((await recordOf('xgb')).spec.disabled).toBe(false);
  });

  it('adds a canary in a new process, and moves traffic only once it serves both versions', async () => {
    const old = onlyEndpoint('xgb');
    const changes: Array<{ at: number; endpoints: readonly Endpoint[]; newServesV2?: Promise<number[][]> }> =
      [];
    const unsubscribe = runtime.endpoints.subscribe((model) => {
      if (model !== 'xgb') return;
      const endpoints = runtime.endpoints.endpoints('xgb');
      // Right at the switch: the new process must already answer for the canary.
      const first = endpoints[0];
      changes.push({
        at: Date.now(),
        endpoints,
        ...(first ? { newServesV2: infer(first, 'xgb', 2, FOUR_FEATURE_ROWS) } : {}),
      });
    });
    // The old process keeps answering while the new one starts.
    const served: Array<{ at: number; ok: boolean }> = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const ok = await infer(old, 'xgb', 1, FOUR_FEATURE_ROWS).then(
          () => true,
          () => false,
        );
        served.push({ at: Date.now(), ok });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const record = await recordOf('xgb');
      await runtime.update(
        {
          ...record.spec,
          versions: [...record.spec.versions, await versionOf('xgb', 2, 'xgboost')],
          traffic: { stable: 1, canary: 2, canaryPercent: 10 },
        },
        record.resourceVersion,
      );
      await waitForPhase('xgb', 'Ready', (r) => r.status.servingVersions.join() === '1,2');
    } finally {
      polling = false;
      await poller;
      unsubscribe();
    }
    // One switch, straight from the old process to the new one: never no endpoint.
    expect(changes).toHaveLength(1);
    const [switched] = changes;
    const [next] = switched?.endpoints ?? [];
    if (!switched?.newServesV2 || !next) throw new Error('no switch to a new endpoint');
    expect(switched.endpoints).toHaveLength(1);
    expect(next.id).not.toBe(old.id);
    expect(next.versions).toEqual([1, 2]);
    expectClose(await switched.newServesV2, xgb2.predictions);
    const beforeSwitch = served.filter((s) => s.at < switched.at);
    expect(beforeSwitch.length).toBeGreaterThan(0);
    expect(beforeSwitch.every((s) => s.ok)).toBe(true);
    const now = onlyEndpoint('xgb');
    expectClose(await infer(now, 'xgb', 1, FOUR_FEATURE_ROWS), xgb1.predictions);
    expectClose(await infer(now, 'xgb', 2, FOUR_FEATURE_ROWS), xgb2.predictions);
    // The two versions really differ.
    expect(xgb1.predictions[0]?.[1]).not.toBeCloseTo(xgb2.predictions[0]?.[1] ?? 0, 3);
    await eventually('the old process to stop', 15_000, () => refusesConnections(old));
    await eventually(
      'the old process folder to go',
      15_000,
      async () => (await servingPids('xgb')).length === 1,
    );
  });

  it('serves an sklearn model with MLServer', async () => {
    await runtime.create(specOf('sk', 'sklearn', [await versionOf('sk', 1, 'sklearn')], 1));
    await waitForPhase('sk', 'Ready');
    const predicted = await infer(onlyEndpoint('sk'), 'sk', 1, FOUR_FEATURE_ROWS, 'FP64');
    expectClose(predicted, sk1.predictions);
  });

  it('serves a Keras SavedModel with the TF Serving stand-in', async () => {
    await runtime.create(specOf('dense', 'tensorflow', [await versionOf('dense', 1, 'tensorflow')], 1));
    await waitForPhase('dense', 'Ready');
    const endpoint = onlyEndpoint('dense');
    expect(endpoint.versions).toEqual([1]);
    const res = await fetch(`${endpoint.url}/v1/models/dense/versions/1:predict`, {
      method: 'POST',
      body: JSON.stringify({ instances: FOUR_FEATURE_ROWS }),
    });
    expect(res.status).toBe(200);
    expectClose(((await res.json()) as { predictions: number[][] }).predictions, dense1.predictions);
  });

  it('reports a model that cannot load as Failed with the end of its log, and logs() shows it', async () => {
    await runtime.create(
      specOf('broken', 'xgboost', [await versionOf('broken', 1, 'xgboost', 'model.json')], 1),
    );
    const record = await waitForPhase('broken', 'Failed');
    expect(record.status.readyReplicas).toBe(0);
    expect(record.status.message).toContain('MLServer exited');
    expect(record.status.message).toContain('Invalid model format');
    expect(record.status.message).toMatch(/Retrying in \d+ s/);
    expect(runtime.endpoints.endpoints('broken')).toEqual([]);
    expect(await runtime.logs('broken', 200)).toContain('Invalid model format');
    await runtime.delete('broken');
    expect(await runtime.get('broken')).toBeUndefined();
    expect(await servingPids('broken')).toEqual([]);
    expect(await runtime.logs('broken', 10)).toBe('');
  });

  it('reports a SavedModel that cannot load as Failed, with the stand-in’s reason', async () => {
    await runtime.create(specOf('tfbroken', 'tensorflow', [await versionOf('tfbroken', 1, 'tensorflow')], 1));
    const record = await waitForPhase('tfbroken', 'Failed');
    expect(record.status.message).toContain('The TF Serving stand-in could not serve version 1');
    expect(runtime.endpoints.endpoints('tfbroken')).toEqual([]);
    await runtime.delete('tfbroken');
    expect(await servingPids('tfbroken')).toEqual([]);
  });

  it('takes a crashed process out of the endpoints and restarts it', async () => {
    const before = onlyEndpoint('sk');
    const emptied = new Promise<void>((resolve) => {
      const unsubscribe = runtime.endpoints.subscribe((model) => {
        if (model === 'sk' && runtime.endpoints.endpoints('sk').length === 0) {
          unsubscribe();
          resolve();
        }
      });
    });
    const [pid] = await servingPids('sk');
    if (!pid) throw new Error('no pid file for sk');
    process.kill(-pid, 'SIGKILL');
    await emptied;
    await waitForPhase('sk', 'Ready', () =>
      runtime.endpoints.endpoints('sk').some((e) => e.id !== before.id),
    );
    expectClose(await infer(onlyEndpoint('sk'), 'sk', 1, FOUR_FEATURE_ROWS, 'FP64'), sk1.predictions);
  });

  it('stops the process of a disabled model', async () => {
    const endpoint = onlyEndpoint('dense');
    const record = await recordOf('dense');
    await runtime.update({ ...record.spec, disabled: true }, record.resourceVersion);
    const disabled = await waitForPhase('dense', 'Disabled');
    expect(disabled.status).toMatchObject({ readyReplicas: 0, servingVersions: [] });
    expect(runtime.endpoints.endpoints('dense')).toEqual([]);
    await eventually('the stand-in to stop', 15_000, () => refusesConnections(endpoint));
    expect(await servingPids('dense')).toEqual([]);
  });

  it('serves the stored models again after a restart on the same state dir', async () => {
    const endpoints = ['xgb', 'sk'].map((m) => onlyEndpoint(m));
    await runtime.stop();
    for (const endpoint of endpoints) expect(await refusesConnections(endpoint)).toBe(true);
    expect(runtime.endpoints.endpoints('xgb')).toEqual([]);
    runtime = newRuntime();
    await runtime.start();
    await waitForPhase(
      'xgb',
      'Ready',
      (r) => r.status.servingVersions.join() === '1,2' && runtime.endpoints.endpoints('xgb').length > 0,
    );
    await waitForPhase('sk', 'Ready', () => runtime.endpoints.endpoints('sk').length > 0);
    expectClose(await infer(onlyEndpoint('xgb'), 'xgb', 2, FOUR_FEATURE_ROWS), xgb2.predictions);
    expectClose(await infer(onlyEndpoint('sk'), 'sk', 1, FOUR_FEATURE_ROWS, 'FP64'), sk1.predictions);
    expect((await recordOf('dense')).status.phase).toBe('Disabled');
    expect(await runtime.logs('xgb', 50)).toContain('starting MLServer');
  });

  it('stops the process and removes the files of a deleted model', async () => {
    const endpoint = onlyEndpoint('xgb');
    await runtime.delete('xgb');
    expect(await runtime.get('xgb')).toBeUndefined();
    expect(runtime.endpoints.endpoints('xgb')).toEqual([]);
    expect(await refusesConnections(endpoint)).toBe(true);
    expect(await readdir(join(stateDir, 'versions'))).not.toContain('xgb');
    await runtime.delete('xgb'); // absent is fine
  });
});
