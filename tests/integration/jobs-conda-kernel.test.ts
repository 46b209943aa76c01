import { BatchV1Api, CoreV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../support/child-process.js';
import { eventually } from '../support/eventually.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { createNamespace } from '../support/namespaces.js';
import { pythonNotebook, type TestNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(REPO, '.venv', 'bin', 'python');
const kubeconfigPath = inject('kubeconfigPath');

/** One CPU environment; the kernel, not the image, is what these jobs choose. */
const CATALOG = `
environments:
  - id: cpu-test
    displayName: CPU test
    description: CPU only.
    image: example.org/cpu-test:1
    versions: { python: '3.11' }
    resources:
      cpu: { default: '1', max: '2' }
      memory: { default: 1Gi, max: 2Gi }
`;
const COMPATIBILITY = 'sources: {}\nframeworks: {}\n';

interface Run {
  id: string;
  state: string;
  reason?: string;
}

/** A notebook saved with kernel `kernel` whose one cell prints the interpreter's prefix. */
function prefixNotebook(kernel: string): TestNotebook {
  const notebook = pythonNotebook({ cells: ['import sys\nprint("PREFIX=" + sys.prefix)'] });
  return {
    ...notebook,
    metadata: {
      ...notebook.metadata,
      kernelspec: { name: kernel, display_name: kernel, language: 'python' },
    },
  };
}

/** A real JupyterHub with hub-proxy in-process, users and their tokens, and the test catalog. */
class Stack {
  readonly dir = mkdtempSync(join(tmpdir(), 'turing-conda-kernel-'));
  readonly serviceToken = randomBytes(24).toString('hex');
  readonly tokens = new Map<string, string>();
  hub!: JupyterHub;
  proxy: InProcessHubProxy | undefined;

  async start(users: string[], env: Record<string, string>): Promise<this> {
    writeFileSync(join(this.dir, 'catalog.yaml'), CATALOG);
    writeFileSync(join(this.dir, 'compatibility.yaml'), COMPATIBILITY);
    const port = await freePort();
    this.hub = turingHub({ apiToken: this.serviceToken, url: `http://127.0.0.1:${port}` });
    await this.hub.start();
    for (const user of users) {
      await this.hub.createUser(user);
      this.tokens.set(user, await this.hub.tokenFor(user));
    }
    this.proxy = await startInProcessHubProxy(this.hub, {
      serviceToken: this.serviceToken,
      port,
      env: {
        TURING_CATALOG: join(this.dir, 'catalog.yaml'),
        TURING_COMPATIBILITY: join(this.dir, 'compatibility.yaml'),
        TURING_ARTIFACTS_DIR: join(this.dir, 'artifacts'),
        TURING_JOBS_STATE_DIR: join(this.dir, 'jobs'),
        ...env,
      },
    });
    const base = this.proxy.base;
    await waitUntil('hub-proxy ready', async () => (await fetch(`${base}/readyz`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
    await this.hub?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async api<T>(user: string, path: string, init: RequestInit = {}, status = 200): Promise<T> {
    const res = await fetch(`${this.hub.url}/services/turing${path}`, {
      ...init,
      headers: { Authorization: `token ${this.tokens.get(user) ?? ''}`, 'Content-Type': 'application/json' },
    });
    const text = await res.text();
    if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates `user`'s job `name` for `notebook` and runs it now. */
  async runNow(user: string, name: string, notebook: TestNotebook): Promise<Run> {
    await this.api(
      user,
      '/api/v1/jobs',
      {
        method: 'POST',
        body: JSON.stringify({
          name,
          notebook: { path: `${name}.ipynb`, content: notebook },
          environment: 'cpu-test',
          timeoutSeconds: 300,
        }),
      },
      201,
    );
    return this.api<Run>(user, `/api/v1/jobs/${name}/runs`, { method: 'POST', body: '{}' }, 201);
  }

  /** The run once it is terminal. */
  finished(user: string, id: string, timeoutMs: number): Promise<Run> {
    return eventually(
      `run ${id} to finish`,
      timeoutMs,
      async () => {
        const run = await this.api<Run>(user, `/api/v1/runs/${id}`);
        return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.state) ? run : undefined;
      },
      250,
    );
  }
}

/**
 * The stand-in for a user's conda environment: a Python venv at the place
 * conda puts one (`~/.conda/envs/<name>`), with its kernelspec registered
 * the way docs/jobs.md tells users to (`python -m ipykernel install --user`
 * from inside the environment). For papermill the mechanism is identical: a
 * kernelspec in the user's data dir whose argv names the environment's
 * python. The venv borrows the project venv's packages through a `.pth`
 * file (ipykernel is all it needs), so making it takes a second, not a
 * conda solve.
 */
function makeStandInEnv(home: string, name: string): string {
  const prefix = join(home, '.conda', 'envs', name);
  execFileSync(PYTHON, ['-m', 'venv', '--without-pip', prefix]);
  const projectSitePackages = execFileSync(PYTHON, [
    '-c',
    "import sysconfig; print(sysconfig.get_paths()['purelib'])",
  ])
    .toString()
    .trim();
  const envSitePackages = execFileSync(join(prefix, 'bin', 'python'), [
    '-c',
    "import sysconfig; print(sysconfig.get_paths()['purelib'])",
  ])
    .toString()
    .trim();
  writeFileSync(join(envSitePackages, 'turing-test-borrowed.pth'), `${projectSitePackages}\n`);
  execFileSync(join(prefix, 'bin', 'python'), ['-m', 'ipykernel', 'install', '--user', '--name', name], {
    env: { PATH: process.env.PATH ?? '', HOME: home },
  });
  return prefix;
}

describe('a job runs in its owner’s own environment (local runtime, real papermill)', () => {
  const stack = new Stack();
  let homes = '';
  let prefix = '';

  beforeAll(async () => {
    homes = join(stack.dir, 'homes');
    // alice's home: what `jobs.localUserHome: <homes>/{username}` names for her.
    const home = join(homes, 'alice');
    mkdirSync(home, { recursive: true });
    prefix = realpathSync(makeStandInEnv(home, 'standin-env'));
    await stack.start(['alice'], {
      TURING_RUNTIME: 'local',
      TURING_JOBS_LOCAL_USER_HOME: join(homes, '{username}'),
    });
  });

  afterAll(() => stack.stop());

  it('runs a notebook whose kernelspec names the environment in that environment', async () => {
    const run = await stack.runNow('alice', 'in-my-env', prefixNotebook('standin-env'));
    const done = await stack.finished('alice', run.id, 120_000);
    expect(done).toMatchObject({ state: 'succeeded' });
    const output = await stack.api<{ cells: Array<{ outputs?: Array<{ text?: string | string[] }> }> }>(
      'alice',
      `/api/v1/runs/${run.id}/output?format=ipynb`,
    );
    const printed = output.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
      .join('');
    expect(printed).toContain(`PREFIX=${prefix}`);
    // Not the interpreter that runs papermill itself.
    expect(printed).not.toContain(`PREFIX=${realpathSync(join(REPO, '.venv'))}\n`);
  });

  it('fails a job whose kernel exists nowhere with a reason that says so, promptly', async () => {
    const started = Date.now();
    const run = await stack.runNow('alice', 'no-such-env', prefixNotebook('no-such-env'));
    const done = await stack.finished('alice', run.id, 60_000);
    expect(done.state).toBe('failed');
    expect(done.reason).toContain("kernel 'no-such-env' is not installed");
    // It says where the owner's kernels were looked for, and how to register one.
    expect(done.reason).toContain(join(homes, 'alice', '.local/share/jupyter', 'kernels'));
    expect(done.reason).toContain('python -m ipykernel install --user --name <env>');
    // What does exist is listed, the user's own environment included.
    expect(done.reason).toMatch(/Available: .*standin-env/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

describe('run pods mount their owner’s home claim (kubernetes runtime, real kube-apiserver)', () => {
  const stack = new Stack();
  const suffix = randomBytes(3).toString('hex');
  const namespace = `conda-${suffix}`;
  const pvName = `turing-test-home-bob-${suffix}`;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);

  /** The run's Job, as hub-proxy created it. */
  const runJob = (id: string): Promise<V1Job> => batch.readNamespacedJob({ namespace, name: id });

  beforeAll(async () => {
    await createNamespace(kubeconfigPath, namespace);
    // bob's home exists (as KubeSpawner would have made it at his first start), bound to a volume.
    await core.createPersistentVolume({
      body: {
        metadata: { name: pvName },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          hostPath: { path: `/tmp/${pvName}` },
          claimRef: { namespace, name: 'claim-bob' },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'claim-bob' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          volumeName: pvName,
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    await stack.start(['bob', 'dora.lee'], {
      TURING_RUNTIME: 'kubernetes',
      TURING_KUBECONFIG: kubeconfigPath,
      TURING_NAMESPACE: namespace,
      // On, with every default: claim-{username}, read-only at /home/jovyan.
      TURING_JOBS_HOME_VOLUME: '{}',
    });
  });

  afterAll(async () => {
    await stack.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core.deletePersistentVolume({ name: pvName }).catch(() => undefined);
  });

  it('mounts claim-<user> read-only at the home, points JUPYTER_PATH at it, and passes restricted admission', async () => {
    const run = await stack.runNow('bob', 'in-bob-env', prefixNotebook('bob-env'));
    const job = await runJob(run.id);
    const pod = job.spec?.template.spec;
    const runner = pod?.containers[0];
    expect(pod?.volumes).toContainEqual({
      name: 'home',
      persistentVolumeClaim: { claimName: 'claim-bob', readOnly: true },
    });
    expect(runner?.volumeMounts).toContainEqual({ name: 'home', mountPath: '/home/jovyan', readOnly: true });
    expect(runner?.env).toContainEqual({ name: 'JUPYTER_PATH', value: '/home/jovyan/.local/share/jupyter' });
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    if (!pod) throw new Error('no pod template');
    // The Pod Security admission judges pods, not Jobs: a server-side dry run of the pod itself.
    const dryRun = await core.createNamespacedPod({
      namespace,
      dryRun: 'All',
      body: { metadata: { name: `${run.id}-dry-run` }, spec: pod },
    });
    expect(dryRun.spec?.volumes).toContainEqual(
      expect.objectContaining({
        name: 'home',
        persistentVolumeClaim: { claimName: 'claim-bob', readOnly: true },
      }),
    );
    // With the claim there, the run is scheduled and finishes (kwok completes Job pods).
    expect((await stack.finished('bob', run.id, 90_000)).state).toBe('succeeded');
  });

  it('fails a run at once when its owner has no home claim, naming the claim', async () => {
    // dora.lee never started a server; KubeSpawner would name her claim with the escaped slug.
    const started = Date.now();
    const run = await stack.runNow('dora.lee', 'no-home', prefixNotebook('python3'));
    const done = await stack.finished('dora.lee', run.id, 60_000);
    expect(done.state).toBe('failed');
    expect(done.reason).toContain('PersistentVolumeClaim "claim-dora-lee---2efdfa1f", which does not exist');
    expect(done.reason).toContain('dora.lee');
    // Not its 300 s timeout: the scheduler's verdict is acted on.
    expect(Date.now() - started).toBeLessThan(60_000);
    const job = await runJob(run.id);
    expect(job.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True')).toBe(true);
  });
});
