import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  NOTEBOOK_JOB_RESOURCE,
  RUNNER_TOKEN_KEY,
  runnerSecretName,
} from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { artifactKeys, jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { waitUntil } from './child-process.js';
import { eventually } from './eventually.js';
import { startInProcessHubProxy, type InProcessHubProxy } from './in-process-hub-proxy.js';
import type { JupyterHub } from './jupyterhub.js';
import { createNamespace } from './namespaces.js';
import { KWOK_OUTCOME_LABEL } from './notebook-job-fixtures.js';
import { pythonNotebook } from './notebooks.js';
import { freePort } from './ports.js';
import { turingHub } from './turing-hub.js';

/** The hub users of an API stack: an owner, another user and a Turing admin. */
export type StackUser = 'alice' | 'bob' | 'admin';

/** What a run looks like through the API (the fields the suites read). */
export interface ApiRun {
  id: string;
  job: string;
  owner: string;
  state: string;
  artifacts: string[];
}

const TERMINAL = ['succeeded', 'failed', 'cancelled', 'timed_out'];

const execFileAsync = promisify(execFile);

// Single-user "servers" that answer any request with 200: the hub sees them
// come up in well under a second, so switching servers costs no JupyterLab.
const TINY_SERVER = `
import os, http.server, urllib.parse
url = urllib.parse.urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer((url.hostname, url.port), Ok).serve_forever()
`;
const extraConfig = `
import sys
c.Spawner.cmd = [sys.executable, "-c", ${JSON.stringify(TINY_SERVER)}]
c.Spawner.args = []
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
`;

/**
 * The whole API as users meet it: a real JupyterHub (DummyAuthenticator,
 * local spawner of tiny servers) routing `/services/turing/` to an
 * in-process hub-proxy on the kubernetes runtime against the shared
 * control plane (its own namespace), with three users and their API tokens.
 */
export class ApiStack {
  readonly namespace = `api-${randomBytes(3).toString('hex')}`;
  readonly serviceToken = randomBytes(24).toString('hex');
  readonly dir = mkdtempSync(join(tmpdir(), 'turing-api-stack-'));
  readonly tokens: Record<StackUser, string> = { alice: '', bob: '', admin: '' };
  hub!: JupyterHub;
  proxy!: InProcessHubProxy;
  /** `http://127.0.0.1:<hub port>/services/turing` */
  base = '';
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;

  constructor(private readonly kubeconfigPath: string) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  async start(): Promise<this> {
    await createNamespace(this.kubeconfigPath, this.namespace);
    const port = await freePort();
    this.hub = turingHub({ apiToken: this.serviceToken, url: `http://127.0.0.1:${port}` }, { extraConfig });
    await this.hub.start();
    this.proxy = await startInProcessHubProxy(this.hub, {
      serviceToken: this.serviceToken,
      port,
      env: {
        TURING_RUNTIME: 'kubernetes',
        // The admin's; startInProcessHubProxy gives hub-proxy the chart's ServiceAccount instead.
        TURING_KUBECONFIG: this.kubeconfigPath,
        TURING_NAMESPACE: this.namespace,
        TURING_ARTIFACTS_DIR: join(this.dir, 'artifacts'),
      },
    });
    this.base = this.proxy.base;
    await waitUntil('hub-proxy ready', async () => (await fetch(`${this.base}/readyz`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    for (const user of ['alice', 'bob'] as const) await this.hub.createUser(user);
    for (const user of ['alice', 'bob', 'admin'] as const) this.tokens[user] = await this.hub.tokenFor(user);
    return this;
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
    await this.hub?.stop();
    await this.core.deleteNamespace({ name: this.namespace }).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Calls the service with `Authorization: Bearer <token>` (none without a token). */
  call(token: string | undefined, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
    if (typeof init.body === 'string' && !headers.has('Content-Type')) {
      headers.set('Content-Type', 'application/json');
    }
    return fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
  }

  /** `call` as a stack user, expecting `status`; returns the parsed JSON body (undefined if empty). */
  async json<T>(user: StackUser, path: string, init: RequestInit = {}, status = 200): Promise<T> {
    const res = await this.call(this.tokens[user], path, init);
    const text = await res.text();
    if (res.status !== status) {
      throw new Error(
        `${init.method ?? 'GET'} ${path} as ${user}: ${res.status}, expected ${status}: ${text}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates `user`'s on-demand job `name` through the API. */
  async createJob(user: StackUser, name: string, extra: Record<string, unknown> = {}): Promise<void> {
    await this.json(
      user,
      '/api/v1/jobs',
      { method: 'POST', body: JSON.stringify(jobBody(name, extra)) },
      201,
    );
  }

  /**
   * Waits until the controller has reconciled `user`'s job `name` (its
   * status observed the current generation and says Ready), so its own
   * status writes no longer race a request that follows.
   */
  async jobReconciled(user: StackUser, name: string): Promise<void> {
    await eventually(
      `${user}'s job ${name} reconciled`,
      30_000,
      async () => {
        const job = (await this.custom.getNamespacedCustomObject({
          group: NOTEBOOK_JOB_RESOURCE.group,
          version: NOTEBOOK_JOB_RESOURCE.version,
          namespace: this.namespace,
          plural: NOTEBOOK_JOB_RESOURCE.plural,
          name: jobObjectName(user, name),
        })) as {
          metadata: { generation?: number };
          status?: { observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
        };
        const ready = job.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        return job.status?.observedGeneration === job.metadata.generation && ready === true;
      },
      100,
    );
  }

  /** Runs `user`'s job `name` now and returns the run as created. */
  async runJob(user: StackUser, name: string): Promise<ApiRun> {
    return this.json<ApiRun>(user, `/api/v1/jobs/${name}/runs`, { method: 'POST', body: '{}' }, 201);
  }

  /**
   * Creates `user`'s job `name` labelled so kwok keeps its pods Running
   * (tests/support/kwok-outcome-stages.yaml; labels reach the pods), runs it
   * and waits until the run is running. Returns the run as created.
   */
  async startHangingRun(user: StackUser, name: string): Promise<ApiRun> {
    await this.createJob(user, name);
    await execFileAsync('kubectl', [
      '--kubeconfig',
      this.kubeconfigPath,
      '-n',
      this.namespace,
      'label',
      'notebookjob',
      jobObjectName(user, name),
      `${KWOK_OUTCOME_LABEL}=hang`,
    ]);
    const run = await this.runJob(user, name);
    await eventually(
      `${user}'s hanging run to start`,
      60_000,
      async () => (await this.json<ApiRun>(user, `/api/v1/runs/${run.id}`)).state === 'running',
      250,
    );
    return run;
  }

  /** Waits until every run of `user`'s job `name` has ended (kwok completes run pods). */
  async runsSettled(user: StackUser, name: string): Promise<ApiRun[]> {
    let last: ApiRun[] = [];
    return eventually(
      `the runs of ${user}'s job ${name} to end`,
      90_000,
      async () => {
        last = (await this.json<{ items: ApiRun[] }>(user, `/api/v1/jobs/${name}/runs`)).items;
        return last.every((r) => TERMINAL.includes(r.state)) ? last : undefined;
      },
      250,
    ).catch(async (err: unknown) => {
      // Say why: a pod that cannot be scheduled or started shows in the namespace's events.
      const events = await this.core.listNamespacedEvent({ namespace: this.namespace });
      const why = events.items.map((e) => `${e.involvedObject.name}: ${e.reason} ${e.message}`);
      throw new Error(
        `${(err as Error).message}; last seen: ${JSON.stringify(last)}; events:\n${why.join('\n')}`,
        { cause: err },
      );
    });
  }

  /** The job-scoped token hub-proxy gave the runner of `user`'s job `name` (from its Secret). */
  async runnerToken(user: StackUser, name: string): Promise<string> {
    const secret = await this.core.readNamespacedSecret({
      namespace: this.namespace,
      name: runnerSecretName(jobObjectName(user, name)),
    });
    const encoded = secret.data?.[RUNNER_TOKEN_KEY];
    if (!encoded) throw new Error(`runner Secret of ${user}/${name} holds no token`);
    return Buffer.from(encoded, 'base64').toString('utf8');
  }

  /** Stores run outputs as a runner would have uploaded them (kwok runs no code). */
  async storeOutputs(run: ApiRun): Promise<void> {
    const store = this.proxy.artifacts;
    const key = (file: 'output.ipynb' | 'output.html' | 'log.txt') =>
      artifactKeys.runArtifact(run.owner, jobObjectName(run.owner, run.job), run.id, file);
    const notebook = pythonNotebook({ cells: ['print("hello")'] });
    await store.put(key('output.ipynb'), Buffer.from(JSON.stringify(notebook)), {
      contentType: 'application/x-ipynb+json',
    });
    await store.put(key('output.html'), Buffer.from('<html><body><p>hello</p></body></html>'), {
      contentType: 'text/html; charset=utf-8',
    });
    await store.put(key('log.txt'), Buffer.from('hello\n'), { contentType: 'text/plain; charset=utf-8' });
  }
}

/** A valid create-job body for an on-demand job. */
export function jobBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    notebook: {
      path: `${name}.ipynb`,
      content: pythonNotebook({ parameters: 'n = 1', cells: ['print(n)'] }),
    },
    environment: 'cpu-base',
    ...extra,
  };
}
