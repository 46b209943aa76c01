/**
 * The local Turing stack of `npm run demo`, startable from tests too: JupyterHub
 * on 127.0.0.1 (DummyAuthenticator, local spawner), hub-proxy as a managed hub
 * service (local runtime, filesystem artifact store) and single-user
 * JupyterLab with Turing's extensions. New homes get the example notebooks.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitUntil } from '../tests/support/child-process.js';
import { ControlPlane } from '../tests/support/control-plane.js';
import { installCrds } from '../tests/support/crds.js';
import type { JupyterHub } from '../tests/support/jupyterhub.js';
import { createNamespace } from '../tests/support/namespaces.js';
import { freePort } from '../tests/support/ports.js';
import { turingHub } from '../tests/support/turing-hub.js';

const repoRoot = resolve(import.meta.dirname, '..');
const hubProxyMain = join(repoRoot, 'hub-proxy/src/main.ts');
/** Moves the hub's token from hub-proxy's environment to a pipe (see the script). */
const tokenLauncher = join(repoRoot, 'hub-proxy/bin/run-with-token-fd');

/** Where the demo keeps jobs, artifacts and homes unless told otherwise. */
export const DEFAULT_DEMO_STATE_DIR = join(repoRoot, '.turing/demo');
/** The notebooks copied into every new home. */
export const EXAMPLES_DIR = join(repoRoot, 'examples');
/** The demo's Turing admin; every other name logs in as a plain user. */
export const DEMO_ADMIN = 'demo';
/** The namespace hub-proxy uses with `kubernetes: true`. */
export const DEMO_NAMESPACE = 'turing';

/** Options of {@link DemoStack}. */
export interface DemoStackOptions {
  /** Also start the test control plane (kwok nodes) and use the kubernetes runtime. */
  kubernetes?: boolean;
  /** Jobs, artifacts and user homes; default {@link DEFAULT_DEMO_STATE_DIR}. Kept on stop. */
  stateDir?: string;
  /** Progress lines while starting (default: none). */
  log?: (line: string) => void;
  /** More variables for hub-proxy, e.g. `TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER`. */
  serviceEnvironment?: Record<string, string>;
}

// Appended to the hub config: homes beside the jobs (so a job's source
// notebook outlives a restart), seeded with the examples the user lacks.
const demoHubConfig = `
import glob, shutil
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(os.environ["TURING_DEMO_HOMES"], "{username}")

def _seed_examples(spawner):
    home = spawner.home_dir
    os.makedirs(home, exist_ok=True)
    for source in sorted(glob.glob(os.path.join(os.environ["TURING_DEMO_EXAMPLES"], "*.ipynb"))):
        target = os.path.join(home, os.path.basename(source))
        if not os.path.exists(target):
            shutil.copyfile(source, target)
    # A trained model to publish, and a folder that is not one.
    models = os.path.join(os.environ["TURING_DEMO_EXAMPLES"], "models")
    if os.path.isdir(models) and not os.path.exists(os.path.join(home, "models")):
        shutil.copytree(models, os.path.join(home, "models"))

c.Spawner.pre_spawn_hook = _seed_examples
`;

/** A started {@link DemoStack}. */
export interface RunningDemoStack {
  hub: JupyterHub;
  /** The hub's public URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  stateDir: string;
  /** The `turing` service's hub API token (hub-proxy's own secret). */
  serviceToken: string;
  /** hub-proxy's operations listener: `/healthz`, `/readyz` (with detail), `/metrics`. */
  opsUrl: string;
  /** With `kubernetes: true`: the control plane's kubeconfig. */
  kubeconfigPath?: string;
  stop(): Promise<void>;
}

/**
 * The demo stack. `stop()` stops whatever has started so far, so a Ctrl-C
 * in the middle of `start()` leaves nothing behind.
 */
export class DemoStack {
  readonly stateDir: string;
  private readonly stops: Array<() => Promise<void>> = [];
  private stopping?: Promise<void>;

  constructor(private readonly options: DemoStackOptions = {}) {
    this.stateDir = resolve(options.stateDir ?? DEFAULT_DEMO_STATE_DIR);
  }

  /** Starts every process and resolves once hub-proxy answers `readyz` through the hub. */
  async start(): Promise<RunningDemoStack> {
    const log = this.options.log ?? (() => undefined);
    mkdirSync(join(this.stateDir, 'home'), { recursive: true });
    const opsPort = await freePort();
    const apiKeyPort = await freePort();
    const service: Record<string, string> = {
      // healthz, readyz with detail and metrics; the hub's proxy does not route there.
      TURING_OPS_LISTEN_PORT: String(opsPort),
      TURING_RUNTIME: 'local',
      TURING_JOBS_STATE_DIR: join(this.stateDir, 'jobs'),
      TURING_ARTIFACTS_DIR: join(this.stateDir, 'artifacts'),
      TURING_MODELS_STATE_DIR: join(this.stateDir, 'models'),
      // What admins edit (local runtime; on Kubernetes these are ConfigMaps), and the audit log.
      TURING_EDITABLE_CATALOG: join(this.stateDir, 'catalog.yaml'),
      TURING_QUOTAS_PATH: join(this.stateDir, 'quotas.json'),
      TURING_AUDIT_DIR: join(this.stateDir, 'audit'),
      TURING_MLSERVER_PYTHON: join(repoRoot, '.venv-serving', 'bin', 'python'),
      TURING_TENSORFLOW_PYTHON: join(repoRoot, '.venv-serving', 'bin', 'python'),
      // In-cluster callers with a model API key; on the demo machine, a loopback port.
      TURING_MODELS_API_KEY_LISTEN_PORT: String(apiKeyPort),
      TURING_MODELS_API_KEY_BASE_URL: `http://127.0.0.1:${apiKeyPort}`,
      ...this.options.serviceEnvironment,
    };
    let kubeconfigPath: string | undefined;
    if (this.options.kubernetes) {
      const controlPlane = new ControlPlane();
      this.stops.push(() => controlPlane.stop());
      await controlPlane.start();
      await installCrds(controlPlane.kubeconfigPath);
      await createNamespace(controlPlane.kubeconfigPath, DEMO_NAMESPACE);
      kubeconfigPath = controlPlane.kubeconfigPath;
      Object.assign(service, {
        TURING_RUNTIME: 'kubernetes',
        TURING_KUBECONFIG: controlPlane.kubeconfigPath,
        TURING_NAMESPACE: DEMO_NAMESPACE,
      });
      log(`control plane up; KUBECONFIG=${controlPlane.kubeconfigPath}`);
    }
    const serviceToken = randomBytes(24).toString('hex');
    const hub = turingHub(
      {
        apiToken: serviceToken,
        url: `http://127.0.0.1:${await freePort()}`,
        // Managed: the hub starts hub-proxy and hands it the JUPYTERHUB_* settings; the
        // launcher keeps the token out of hub-proxy's environ, which notebook runs could read.
        command: [tokenLauncher, process.execPath, '--import', import.meta.resolve('tsx'), hubProxyMain],
        environment: service,
      },
      {
        // `demo` is a Turing admin (hub admin plus the admin scope); any other name is a plain user.
        admins: [DEMO_ADMIN],
        extraConfig: demoHubConfig,
        env: { TURING_DEMO_HOMES: join(this.stateDir, 'home'), TURING_DEMO_EXAMPLES: EXAMPLES_DIR },
      },
    );
    this.stops.push(() => hub.stop());
    await hub.start();
    await waitUntil('hub-proxy', async () => (await fetch(`${hub.url}/services/turing/readyz`)).ok, {
      timeoutMs: 60_000,
    });
    return {
      hub,
      url: hub.url,
      stateDir: this.stateDir,
      serviceToken,
      opsUrl: `http://127.0.0.1:${opsPort}`,
      ...(kubeconfigPath ? { kubeconfigPath } : {}),
      stop: () => this.stop(),
    };
  }

  /** Stops every process started, newest first (the hub stops the user servers). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const stop of this.stops.reverse()) await stop().catch(() => undefined);
    })();
    return this.stopping;
  }
}

/** Starts a {@link DemoStack}; on failure stops what had started and rethrows. */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<RunningDemoStack> {
  const stack = new DemoStack(options);
  try {
    return await stack.start();
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
