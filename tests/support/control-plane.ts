import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { request } from 'node:https';
import { stringify } from 'yaml';
import { generateCerts, type ControlPlaneCerts } from './certs.js';
import { startProcess, waitUntil, type ManagedProcess } from './child-process.js';
import { freePort } from './ports.js';
import { createFakeNodes } from './fake-nodes.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Where scripts/bootstrap.sh left the Go-built binaries. */
export function kubernetesBinDir(): string {
  const fromEnv = process.env.TURING_K8S_BIN_DIR;
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(join(repoRoot, '.turing/k8s-bin-dir'), 'utf8').trim();
  } catch {
    throw new Error('Kubernetes binaries not found: run `npm run setup` (scripts/bootstrap.sh) first');
  }
}

/**
 * Namespaces whose pods kwok gives a container log: every container of a
 * pod there reads (and follows) {@link kwokPodLogFile}, through the
 * apiserver's `pods/log` as from a kubelet. One per consumer, so each can
 * create its namespace in the same control plane.
 */
export const KWOK_LOG_NAMESPACES = {
  api: 'live-logs-api',
  browser: 'live-logs-lab',
  bench: 'live-logs-bench',
} as const;

/**
 * The file kwok serves as the container log of pods in `namespace` (one of
 * {@link KWOK_LOG_NAMESPACES}), for the control plane whose kubeconfig is
 * `kubeconfigPath`. Lines must be in the CRI log format
 * (`<RFC3339Nano time> stdout F <text>`; see {@link criLogLine}); kwok skips others.
 */
export function kwokPodLogFile(kubeconfigPath: string, namespace: string): string {
  return join(dirname(kubeconfigPath), 'pod-logs', `${namespace}.log`);
}

/** `text` (one line, no newline) as a line of a CRI container log file. */
export function criLogLine(text: string, at = new Date()): string {
  return `${at.toISOString()} stdout F ${text}\n`;
}

/** Wall-clock milliseconds each component took to become ready. */
export type StartTimings = Record<'etcd' | 'kubeApiserver' | 'controllers' | 'nodes' | 'total', number>;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC,
 * generated certs), kube-controller-manager, kube-scheduler and kwok running
 * fake nodes. Everything it starts is stopped by {@link ControlPlane.stop}.
 * Its logs are large and carry none of the tokens tests mint, so they stay
 * out of the secrets scan (tests/support/secrets-scan.ts).
 */
export class ControlPlane {
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly timings: Partial<StartTimings> = {};
  private readonly bin = kubernetesBinDir();
  private readonly logDir: string;
  private certs!: ControlPlaneCerts;
  private apiserverPort = 0;
  private etcdPort = 0;
  private kwokPort = 0;
  private etcd?: ManagedProcess;
  private apiserver?: ManagedProcess;
  private others: ManagedProcess[] = [];

  /**
   * `controllerManagerArgs` are appended to kube-controller-manager's flags,
   * e.g. the client QPS and CronJob sync concurrency a scale benchmark tunes.
   */
  constructor(private readonly options: { controllerManagerArgs?: string[] } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'turing-cp-'));
    this.logDir = this.dir;
    this.kubeconfigPath = join(this.dir, 'kubeconfig');
  }

  /** The API server's base URL. */
  get server(): string {
    return `https://127.0.0.1:${this.apiserverPort}`;
  }

  async start(): Promise<this> {
    const began = Date.now();
    this.certs = generateCerts(this.dir);
    [this.etcdPort, this.apiserverPort, this.kwokPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);

    let t = Date.now();
    await this.startEtcd();
    this.timings.etcd = Date.now() - t;

    t = Date.now();
    this.writeKubeconfig();
    await this.startApiServer();
    this.timings.kubeApiserver = Date.now() - t;

    t = Date.now();
    this.startControllers();
    this.timings.controllers = Date.now() - t;

    t = Date.now();
    await createFakeNodes(this.kubeconfigPath);
    this.timings.nodes = Date.now() - t;
    this.timings.total = Date.now() - began;
    return this;
  }

  private async startEtcd(): Promise<void> {
    const peerPort = await freePort();
    const client = `http://127.0.0.1:${this.etcdPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    this.etcd = startProcess(
      'etcd',
      join(this.bin, 'etcd'),
      [
        `--data-dir=${join(this.dir, 'etcd-data')}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=default=${peer}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      { logDir: this.logDir, secretsScan: false },
    );
    await waitUntil(
      'etcd',
      async () => {
        const res = await fetch(`${client}/health`);
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      },
      { timeoutMs: 30_000, process: this.etcd },
    );
  }

  /** Starts kube-apiserver with envtest's flags; reused by {@link restartApiServer}. */
  private async startApiServer(): Promise<void> {
    const c = this.certs;
    this.apiserver = startProcess(
      'kube-apiserver',
      join(this.bin, 'kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${this.etcdPort}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${this.apiserverPort}`,
        `--cert-dir=${this.dir}`,
        `--tls-cert-file=${c.servingCert}`,
        `--tls-private-key-file=${c.servingKey}`,
        `--client-ca-file=${c.caCert}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        '--authorization-mode=RBAC',
        '--disable-admission-plugins=ServiceAccount',
        // As managed clusters run it: setting an ownerReference needs delete on
        // the object and update on the owner's finalizers (docs/rbac.md).
        '--enable-admission-plugins=OwnerReferencesPermissionEnforcement',
        `--service-account-issuer=https://127.0.0.1:${this.apiserverPort}/`,
        `--service-account-key-file=${c.serviceAccountPub}`,
        `--service-account-signing-key-file=${c.serviceAccountKey}`,
        // kwok's nodes report 127.0.0.1 (InternalIP) and kwok's own port as their
        // kubelet; with no --kubelet-certificate-authority the apiserver does not
        // verify kwok's self-signed serving certificate.
        '--kubelet-preferred-address-types=InternalIP',
        '--v=1',
      ],
      { logDir: this.logDir, secretsScan: false },
    );
    await waitUntil('kube-apiserver', () => this.isReady(), {
      timeoutMs: 90_000,
      process: this.apiserver,
    });
  }

  /** True when kube-apiserver answers /readyz with 200. */
  isReady(): Promise<boolean> {
    return new Promise((resolveReady) => {
      const req = request(
        `${this.server}/readyz`,
        {
          ca: readFileSync(this.certs.caCert),
          cert: readFileSync(this.certs.adminCert),
          key: readFileSync(this.certs.adminKey),
          timeout: 2000,
        },
        (res) => {
          res.resume();
          resolveReady(res.statusCode === 200);
        },
      );
      req.on('error', () => resolveReady(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }

  private startControllers(): void {
    const kubeconfig = `--kubeconfig=${this.kubeconfigPath}`;
    this.others.push(
      startProcess(
        'kube-controller-manager',
        join(this.bin, 'kube-controller-manager'),
        [
          kubeconfig,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          `--root-ca-file=${this.certs.caCert}`,
          `--service-account-private-key-file=${this.certs.serviceAccountKey}`,
          '--use-service-account-credentials=false',
          '--v=1',
          ...(this.options.controllerManagerArgs ?? []),
        ],
        { logDir: this.logDir, secretsScan: false },
      ),
      startProcess(
        'kube-scheduler',
        join(this.bin, 'kube-scheduler'),
        [kubeconfig, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0', '--v=1'],
        { logDir: this.logDir, secretsScan: false },
      ),
      startProcess(
        'kwok',
        join(this.bin, 'kwok'),
        [
          kubeconfig,
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          '--node-lease-duration-seconds=40',
          // kwok's kubelet-like server (container logs), on loopback only; the
          // nodes advertise it as their kubelet endpoint.
          '--node-ip=127.0.0.1',
          `--node-port=${this.kwokPort}`,
          `--server-address=127.0.0.1:${this.kwokPort}`,
          // kwok >= 0.5 has no built-in stages and exits with "no stages found" without them.
          `--config=${join(this.bin, 'kwok-stages.yaml')}`,
          // Opt-in outcomes for labelled pods (turing.dev/kwok-outcome: fail | hang).
          `--config=${join(repoRoot, 'tests/support/kwok-outcome-stages.yaml')}`,
          `--config=${this.writeKwokLogsConfig()}`,
        ],
        { logDir: this.logDir, secretsScan: false },
      ),
    );
  }

  /**
   * Writes kwok's ClusterLogs (one per {@link KWOK_LOG_NAMESPACES} entry, each
   * followed from its own file) and creates the empty log files: kwok answers
   * a log request for a missing file with an error.
   */
  private writeKwokLogsConfig(): string {
    mkdirSync(join(this.dir, 'pod-logs'), { recursive: true });
    const documents = Object.values(KWOK_LOG_NAMESPACES).map((namespace) => {
      const file = kwokPodLogFile(this.kubeconfigPath, namespace);
      writeFileSync(file, '');
      return stringify({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'ClusterLogs',
        metadata: { name: `turing-${namespace}` },
        spec: { selector: { matchNamespaces: [namespace] }, logs: [{ logsFile: file, follow: true }] },
      });
    });
    const path = join(this.dir, 'kwok-logs.yaml');
    writeFileSync(path, documents.map((d) => `---\n${d}`).join(''));
    return path;
  }

  /** The port of kwok's kubelet-like server (container logs), on 127.0.0.1. */
  get kwokServerPort(): number {
    return this.kwokPort;
  }

  /**
   * Stops kube-apiserver and starts it again on the same port (etcd keeps
   * the data). `SIGTERM` (default) is a graceful restart; `SIGKILL` a crash,
   * which drops the requests in flight.
   */
  async restartApiServer(downForMs = 0, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (signal === 'SIGKILL') {
      this.apiserver?.child.kill('SIGKILL');
      await this.apiserver?.exited;
    }
    await this.apiserver?.stop();
    if (downForMs > 0) await new Promise((r) => setTimeout(r, downForMs));
    await this.startApiServer();
  }

  private writeKubeconfig(): void {
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'turing-test', cluster: { server: this.server, 'certificate-authority': this.certs.caCert } },
      ],
      users: [
        {
          name: 'admin',
          user: { 'client-certificate': this.certs.adminCert, 'client-key': this.certs.adminKey },
        },
      ],
      contexts: [{ name: 'turing-test', context: { cluster: 'turing-test', user: 'admin' } }],
      'current-context': 'turing-test',
    };
    writeFileSync(this.kubeconfigPath, stringify(config));
  }

  /** Stops every process this control plane started and removes its files. */
  async stop(options: { keepFiles?: boolean } = {}): Promise<void> {
    await Promise.all(this.others.map((p) => p.stop()));
    await this.apiserver?.stop();
    await this.etcd?.stop();
    if (!options.keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }
}
