import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createArtifactStore, type ArtifactStore } from '../../hub-proxy/src/artifacts/index.js';
import { assembleHubProxy, configSectionOf, type AssembledHubProxy } from '../../hub-proxy/src/assemble.js';
import { loadConfig } from '../../hub-proxy/src/config/load.js';
import { environmentsFeature } from '../../hub-proxy/src/environments/index.js';
import type { Feature } from '../../hub-proxy/src/feature.js';
import {
  jobsFeature,
  MODEL_OUTPUTS,
  type ModelOutputPublisher,
  type ModelOutputRequest,
  type RunView,
} from '../../hub-proxy/src/jobs/index.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { quotasFeature } from '../../hub-proxy/src/quotas/index.js';
import { startHubProxy, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import { eventually } from '../support/eventually.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { notebookJobFixture } from '../support/notebook-job-fixtures.js';
import { pythonNotebook, type TestNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

/**
 * Scheduled retraining, the jobs side (issue 12, scope 6): a job declares a
 * model output, and its runs go through the real runner and papermill on the
 * local runtime behind a real JupyterHub. The models feature is stood in for
 * by a recording publisher registered the way the models feature registers
 * its own: a feature after jobs that calls `setPublisher` on MODEL_OUTPUTS.
 */

const RUN_TIMEOUT_MS = 120_000;

/** Records every publish; a model's versions number its distinct runs, as the models feature's do. */
class RecordingPublisher implements ModelOutputPublisher {
  readonly calls: ModelOutputRequest[] = [];
  /** Run ids per model, in publish order: version N is the Nth. */
  private readonly runs = new Map<string, string[]>();

  publish(request: ModelOutputRequest): Promise<{ version: number }> {
    this.calls.push(structuredClone(request));
    const runs = this.runs.get(request.model) ?? [];
    if (!runs.includes(request.runId)) runs.push(request.runId);
    this.runs.set(request.model, runs);
    return Promise.resolve({ version: runs.indexOf(request.runId) + 1 });
  }

  callsFor(runId: string): ModelOutputRequest[] {
    return this.calls.filter((c) => c.runId === runId);
  }
}

const publisher = new RecordingPublisher();

/** Registers the recording publisher, as the models feature does at its creation. */
const recordingModels: Feature = {
  name: 'recording-models',
  config: { fields: {} },
  create(context) {
    context.require(MODEL_OUTPUTS).setPublisher(publisher);
    return {};
  },
};

/** A cell that writes `files` (path relative to the working directory -> text). */
function writeFiles(files: Record<string, string>): string {
  return [
    'import os',
    `for path, text in ${JSON.stringify(files)}.items():`,
    '    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)',
    '    with open(path, "w") as f:',
    '        f.write(text)',
  ].join('\n');
}

describe('jobs with a model output (real JupyterHub, local runtime, real papermill)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-jobs-model-output-'));
  const stateDir = join(dir, 'state');
  let hub: JupyterHub;
  let assembled: AssembledHubProxy | undefined;
  let proxy: HubProxyHandle | undefined;
  let artifacts: ArtifactStore;
  let base = '';
  let token = '';

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json', ...init.headers },
    });

  async function createJob(name: string, notebook: TestNotebook, fields: Record<string, unknown>) {
    const res = await call('/api/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({
        name,
        notebook: { path: `${name}.ipynb`, content: notebook },
        environment: 'cpu-base',
        ...fields,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }

  async function runNow(name: string): Promise<string> {
    const res = await call(`/api/v1/jobs/${name}/runs`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(201);
    return ((await res.json()) as RunView).id;
  }

  /**
   * The run once it has ended and the run lifecycle has finished with it
   * (its record carries the `recorded` marker): only then does "published
   * nothing" mean nothing will be published.
   */
  async function settled(id: string): Promise<RunView> {
    await eventually(
      `run ${id} to end and be recorded`,
      RUN_TIMEOUT_MS,
      async () => {
        const record = await readFile(join(stateDir, 'runs', `${id}.json`), 'utf8').catch(() => '{}');
        return ((JSON.parse(record) as { markers?: string[] }).markers ?? []).includes('recorded');
      },
      250,
    );
    const res = await call(`/api/v1/runs/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as RunView;
  }

  async function text(key: string): Promise<string | undefined> {
    const found = await artifacts.get(key);
    if (!found) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of found.body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }

  beforeAll(async () => {
    const port = await freePort();
    hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
    await hub.start();
    const merged = configSectionOf([quotasFeature, environmentsFeature, jobsFeature]);
    const config = loadConfig(
      {
        env: {
          TURING_HUB_API_URL: hub.apiUrl,
          TURING_API_TOKEN: serviceToken,
          TURING_LISTEN_PORT: String(port),
          TURING_OPS_LISTEN_PORT: '0',
          TURING_RUNTIME: 'local',
          TURING_LOG_LEVEL: 'warn',
          TURING_JOBS_STATE_DIR: stateDir,
          TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
          TURING_QUOTAS_PATH: join(dir, 'quotas.json'),
          TURING_EDITABLE_CATALOG: join(dir, 'catalog.yaml'),
        },
        readFile: () => {
          throw new Error('no config files in tests');
        },
      },
      {
        // Quotas, environments and jobs only: the models feature is what the recording publisher stands in for.
        fields: {
          ...quotasFeature.config.fields,
          ...environmentsFeature.config.fields,
          ...jobsFeature.config.fields,
        },
        env: merged.env,
        nestedEnv: merged.nestedEnv,
      },
    );
    const logger = createLogger({ level: 'warn' });
    assembled = assembleHubProxy(
      config,
      [quotasFeature, environmentsFeature, jobsFeature, recordingModels],
      logger,
    );
    proxy = await startHubProxy(config, { ...assembled.extras, logger });
    artifacts = createArtifactStore(config.artifacts);
    base = `${hub.url}/services/turing`;
    await hub.createUser('alice');
    token = await hub.tokenFor('alice');
  });

  afterAll(async () => {
    await assembled?.releaseLeadership();
    await proxy?.shutdown('test done');
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the folder a succeeded run wrote, once, and the run shows the version', async () => {
    const files = { 'model/model.json': '{"learner": {"trees": 3}}', 'model/meta/info.txt': 'trained' };
    await createJob('train', pythonNotebook({ cells: [writeFiles(files)] }), {
      modelOutput: { model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 20 } },
    });
    const id = await runNow('train');
    const run = await settled(id);

    expect(run.state).toBe('succeeded');
    expect(run.modelOutput).toEqual({ model: 'ctr', version: 1 });
    expect(run.artifacts).toContain('log.txt');
    const calls = publisher.callsFor(id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      owner: 'alice',
      job: 'train',
      runId: id,
      model: 'ctr',
      rollout: { kind: 'canary', percent: 20 },
    });
    expect(calls[0]?.files.map((f) => [f.path, f.sizeBytes])).toEqual([
      ['meta/info.txt', 7],
      ['model.json', files['model/model.json'].length],
    ]);
    // The bytes the notebook wrote are in the store under the keys the publisher got.
    for (const file of calls[0]?.files ?? []) {
      expect(await text(file.key)).toBe(files[`model/${file.path}` as keyof typeof files]);
    }
    const listed = (await (await call('/api/v1/jobs/train/runs')).json()) as { items: RunView[] };
    expect(listed.items.find((r) => r.id === id)?.modelOutput).toEqual({ model: 'ctr', version: 1 });

    // The next successful run is the next version.
    const next = await settled(await runNow('train'));
    expect(next.modelOutput).toEqual({ model: 'ctr', version: 2 });
    expect(publisher.callsFor(next.id)).toHaveLength(1);
  });

  it('publishes nothing for a run made to fail after writing its model', async () => {
    const before = publisher.calls.length;
    await createJob(
      'train-fails',
      pythonNotebook({ cells: [writeFiles({ 'model/model.json': '{}' }), 'raise RuntimeError("bad data")'] }),
      { modelOutput: { model: 'ctr-fails', path: 'model/', rollout: { kind: 'replace' } } },
    );
    const run = await settled(await runNow('train-fails'));

    expect(run.state).toBe('failed');
    expect(run.reason).toMatch(/RuntimeError: bad data/);
    expect(run).not.toHaveProperty('modelOutput');
    expect(publisher.calls).toHaveLength(before);
  });

  it('publishes once for a run whose first attempt fails and whose retry succeeds, a file under its base name', async () => {
    const marker = join(dir, 'first-attempt-done');
    await createJob(
      'train-retry',
      pythonNotebook({
        parameters: 'marker = ""',
        cells: [
          [
            'import os',
            'if not os.path.exists(marker):',
            '    open(marker, "w").close()',
            '    raise RuntimeError("first attempt fails")',
          ].join('\n'),
          writeFiles({ 'out/booster.json': '{"version": 2}' }),
        ],
      }),
      {
        parameters: { marker },
        retries: 1,
        modelOutput: { model: 'ctr-retry', path: 'out/booster.json', rollout: { kind: 'replace' } },
      },
    );
    const id = await runNow('train-retry');
    const run = await settled(id);

    expect(run).toMatchObject({ state: 'succeeded', attempt: 2 });
    expect(run.modelOutput).toEqual({ model: 'ctr-retry', version: 1 });
    const calls = publisher.callsFor(id);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.rollout).toEqual({ kind: 'replace' });
    expect(calls[0]?.files.map((f) => f.path)).toEqual(['booster.json']);
    expect(await text(calls[0]?.files[0]?.key ?? '')).toBe('{"version": 2}');
  });

  it('fails a run whose notebook did not write the path, with a readable reason, and publishes nothing', async () => {
    const before = publisher.calls.length;
    await createJob('train-forgets', pythonNotebook({ cells: ['print("trained, but saved nothing")'] }), {
      modelOutput: { model: 'ctr-forgets', path: 'model/', rollout: { kind: 'canary', percent: 5 } },
    });
    const run = await settled(await runNow('train-forgets'));

    expect(run.state).toBe('failed');
    expect(run.reason).toBe("model output path 'model/' was not written");
    expect(run).not.toHaveProperty('modelOutput');
    expect(publisher.calls).toHaveLength(before);
  });
});

describe('the NotebookJob CRD with a model output (real kube-apiserver)', () => {
  /** Server-side dry-run create in `default`: schema, CEL rules, nothing stored. */
  function dryRunCreate(modelOutput: unknown): Promise<{ ok: boolean; stderr: string }> {
    const job = notebookJobFixture('carol', 'crd-model-output');
    const object = {
      ...job,
      metadata: { ...job.metadata, namespace: 'default' },
      spec: { ...job.spec, modelOutput },
    };
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', inject('kubeconfigPath'), 'create', '--dry-run=server', '-o', 'name', '-f', '-'],
        (err, _stdout, stderr) => resolve({ ok: !err, stderr }),
      );
      child.stdin?.end(JSON.stringify(object));
    });
  }

  it('accepts a canary with a percent and a replace without one, and refuses the mixed-up shapes', async () => {
    expect(
      (await dryRunCreate({ model: 'ctr', path: 'model/', rollout: { kind: 'canary', percent: 10 } })).ok,
    ).toBe(true);
    expect((await dryRunCreate({ model: 'ctr', path: 'model/', rollout: { kind: 'replace' } })).ok).toBe(
      true,
    );
    const noPercent = await dryRunCreate({ model: 'ctr', path: 'model/', rollout: { kind: 'canary' } });
    expect(noPercent.stderr).toContain('a canary rollout needs percent');
    const replaceWithPercent = await dryRunCreate({
      model: 'ctr',
      path: 'model/',
      rollout: { kind: 'replace', percent: 10 },
    });
    expect(replaceWithPercent.stderr).toContain('a canary rollout needs percent');
    const badName = await dryRunCreate({ model: 'CTR', path: 'model/', rollout: { kind: 'replace' } });
    expect(badName.ok).toBe(false);
    expect(badName.stderr).toContain('spec.modelOutput.model');
  });
});
