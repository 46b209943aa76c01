import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import type { NotebookJob } from '../../hub-proxy/src/jobs/model.js';
import { HmacRunTokens } from '../../hub-proxy/src/jobs/run-token.js';
import { KubernetesJobRuntime } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import {
  ControllerManager,
  InformerCache,
  KubeForbiddenError,
  createKubeClients,
  toKubeError,
  type InformerMetricsHooks,
  type KubeClients,
  type KubeLogger,
} from '../../hub-proxy/src/k8s/index.js';
import { HmacModelArtifactTokens } from '../../hub-proxy/src/models/model-artifact-token.js';
import {
  KubernetesModelRuntime,
  type ServingPodOptions,
} from '../../hub-proxy/src/models/kubernetes/index.js';
import { eventually } from '../support/eventually.js';
import {
  hubProxyKubeconfig,
  hubProxyRbacNames,
  type Grant,
  type HubProxyRbacNames,
} from '../support/chart-service-account.js';
import { createNamespace } from '../support/namespaces.js';

/** One line hub-proxy's Kubernetes layer logged. */
export interface LoggedLine {
  at: number;
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/** Keeps what hub-proxy's controllers, caches and elector log, to find the refusals they only log. */
export class RecordingLogger implements KubeLogger {
  readonly lines: LoggedLine[] = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ at: Date.now(), level: 'info', message, fields });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ at: Date.now(), level: 'warn', message, fields });
  }
  /** The first warning since `since` that `match` accepts. */
  find(since: number, match: (line: LoggedLine) => boolean): LoggedLine | undefined {
    return this.lines.find((line) => line.at >= since && line.level === 'warn' && match(line));
  }
}

/** The API server's Forbidden message, as a {@link KubeForbiddenError} (what a direct call would have thrown). */
export function forbidden(message: string): KubeForbiddenError {
  return new KubeForbiddenError('forbidden', 403, message);
}

/** A refusal the API server phrased; messages of watches refused mid-stream carry only the status. */
export function isForbiddenMessage(text: unknown): boolean {
  return typeof text === 'string' && /is forbidden: |HTTP 403/.test(text);
}

/**
 * Who refuses an operation without its grant: RBAC itself (default), or the
 * OwnerReferencesPermissionEnforcement admission plugin, which asks RBAC for
 * `update` on the owner's `finalizers` when an object blocks its owner's
 * deletion (`blockOwnerDeletion`), and for `delete` on an existing object
 * whose owner references change (`ownerReference`).
 */
export type RefusedBy = 'rbac' | 'blockOwnerDeletion' | 'ownerReference';

/** One thing hub-proxy does that needs exactly one granted verb. */
export interface HubProxyOperation {
  grant: Grant;
  /** What hub-proxy does, as the test names it. */
  name: string;
  /** Default `rbac`. */
  refusedBy?: RefusedBy;
  /** Set-up it needs, done with the full Role before the verb is taken away. */
  prepare?(): Promise<void>;
  /** Does it the way hub-proxy does; rejects with the API server's refusal. */
  run(): Promise<void>;
}

/** What the operations start from, made with the full Role. */
export interface BaseObjects {
  /** A NotebookJob with its runner Secret, and one run of it. */
  job: NotebookJob;
  runId: string;
  /** A model served by running pods. */
  servedModel: string;
}

/** The grants of one rule: `rule('batch', 'jobs')('get')`. */
export const rule =
  (apiGroup: string, resource: string, scope: Grant['scope'] = 'Role') =>
  (verb: string): Grant => ({ scope, apiGroup, resource, verb });

/** `promise`, with a 404 taken as done (deleting what may be gone already). */
export async function unlessMissing(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (toKubeError(err).kind !== 'not-found') throw err;
  }
}

const RUN_TOKEN_SECRET = 'a test secret of at least sixteen characters';
const SERVING: ServingPodOptions = {
  images: { tfserving: (v) => `tensorflow/serving:${v}`, mlserver: (v) => `seldonio/mlserver:${v}` },
  artifactApiUrl: 'http://turing-hub-proxy.jhub.svc:8000/services/turing/',
  initImage: 'python:3.11-slim',
  gpuPlacementFor: () => undefined,
};
const RUNNER_API_URL = 'http://turing-hub-proxy.jhub.svc:8000/services/turing/';

/**
 * hub-proxy's Kubernetes half in a fresh namespace, as the chart's
 * ServiceAccount: the jobs and models runtimes hub-proxy assembles (caches,
 * and their controllers leading), plus factories for what a replica builds
 * at start (fresh caches, stores). The test keeps the admin clients for its
 * own set-up and checks.
 */
export class HubProxyAsServiceAccount {
  readonly logs = new RecordingLogger();
  readonly controllers = new ControllerManager({ leadership: { isLeader: true }, pollMs: 100 });
  readonly jobTokens = new HmacRunTokens(RUN_TOKEN_SECRET);
  jobs!: KubernetesJobRuntime;
  models!: KubernetesModelRuntime;
  /** hub-proxy's clients: the chart's ServiceAccount token (from {@link start} on). */
  clients!: KubeClients;
  /** The test's own: the cluster admin, for set-up and checks. */
  readonly admin: KubeClients;
  readonly names: HubProxyRbacNames;
  private readonly caches: Array<InformerCache<KubernetesObject>> = [];
  private counter = 0;

  constructor(readonly adminKubeconfigPath: string) {
    const namespace = `rbac-${randomBytes(3).toString('hex')}`;
    this.admin = createKubeClients({ kubeconfigPath: adminKubeconfigPath, namespace });
    this.names = hubProxyRbacNames(namespace);
  }

  /** Creates the namespace, applies the chart's RBAC, starts the runtimes and waits for their caches. */
  async start(): Promise<void> {
    await createNamespace(this.adminKubeconfigPath, this.namespace);
    this.clients = createKubeClients({
      kubeconfigPath: await hubProxyKubeconfig(this.adminKubeconfigPath, this.namespace),
      namespace: this.namespace,
    });
    this.jobs = this.jobRuntime(this.controllers);
    this.models = this.modelRuntime(this.controllers);
    await Promise.all([this.jobs.start(), this.models.start()]);
    this.controllers.start();
    await eventually('the controllers to run', 15_000, () =>
      this.controllers.status().controllers.every((c) => c.running) ? true : undefined,
    );
  }

  get namespace(): string {
    return this.names.namespace;
  }

  /** A number not handed out before. */
  serial(): number {
    this.counter += 1;
    return this.counter;
  }

  /** A name not used before in this namespace. */
  fresh(prefix: string): string {
    return `${prefix}-${this.serial()}`;
  }

  /**
   * A jobs runtime as hub-proxy builds one. Without `controllers`, a second
   * replica that never leads, whose caches are not started: its reads go
   * to the API server.
   */
  jobRuntime(controllers?: ControllerManager, hooks?: InformerMetricsHooks): KubernetesJobRuntime {
    return new KubernetesJobRuntime({
      clients: this.clients,
      controllers: controllers ?? { register: () => undefined },
      tokens: this.jobTokens,
      runnerApiUrl: RUNNER_API_URL,
      gpuPlacementFor: () => undefined,
      logger: this.logs,
      ...(hooks ? { informerHooks: () => hooks } : {}),
    });
  }

  /** A models runtime as hub-proxy builds one (see {@link jobRuntime}). */
  modelRuntime(controllers?: ControllerManager, hooks?: InformerMetricsHooks): KubernetesModelRuntime {
    return new KubernetesModelRuntime({
      clients: this.clients,
      controllers: controllers ?? { register: () => undefined },
      tokens: new HmacModelArtifactTokens(RUN_TOKEN_SECRET),
      ...SERVING,
      logger: this.logs,
      ...(hooks ? { informerHooks: () => hooks } : {}),
    });
  }

  /**
   * Starts one of a new replica's caches and waits for it to sync. Rejects
   * with the refusal: the list's Forbidden error, or, when the list passed
   * and the watch was refused, a Forbidden error saying so (the watch
   * response carries no message).
   */
  async follow<T extends KubernetesObject>(
    make: (hooks: InformerMetricsHooks) => InformerCache<T>,
  ): Promise<void> {
    const listed = new Set<string>();
    const cache = make({
      onRequest: (verb, resource, outcome) => {
        if (verb === 'list' && outcome === 'success') listed.add(resource);
      },
    });
    this.caches.push(cache as unknown as InformerCache<KubernetesObject>);
    cache.start();
    try {
      await eventually(
        `the ${cache.name} cache to sync`,
        15_000,
        () => {
          const error = cache.lastError;
          if (cache.synced) return true;
          if (!error) return undefined;
          if (!listed.has(cache.name)) throw error;
          throw new KubeForbiddenError(
            error.kind === 'forbidden' ? 'forbidden' : 'unauthorized',
            error.status,
            `watch of ${cache.name} refused: ${error.message}`,
          );
        },
        50,
      );
    } finally {
      await cache.stop();
    }
  }

  /**
   * Waits until `done` holds, or rejects with the Forbidden error a
   * controller logged while reconciling `key` since `since`.
   */
  async reconciled(key: string, since: number, done: () => Promise<boolean>): Promise<void> {
    await eventually(
      `the controller to reconcile ${key}`,
      20_000,
      async () => {
        const refused = this.logs.find(
          since,
          (l) => l.fields.key === key && isForbiddenMessage(l.fields.err),
        );
        if (refused) throw forbidden(String(refused.fields.err));
        return (await done()) || undefined;
      },
      100,
    );
  }

  /**
   * A JSON merge patch by the admin (`null` removes a field), with no
   * resourceVersion: controllers writing the object meanwhile cause no conflict.
   */
  async adminPatch(
    apiVersion: string,
    kind: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<void> {
    const metadata = { ...(patch.metadata as object | undefined), name, namespace: this.namespace };
    await this.admin.objects.patch(
      { ...patch, apiVersion, kind, metadata },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  /** True once a read by the admin finds the object (any error but 404 is thrown). */
  async exists(read: () => Promise<unknown>): Promise<boolean> {
    try {
      await read();
      return true;
    } catch (err) {
      if (toKubeError(err).kind === 'not-found') return false;
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.controllers.stop();
    await Promise.all([this.jobs.stop(), this.models.stop(), ...this.caches.map((c) => c.stop())]);
    await this.admin.core.deleteNamespace({ name: this.namespace }).catch(() => undefined);
    const rbac = 'rbac.authorization.k8s.io/v1';
    for (const kind of ['ClusterRoleBinding', 'ClusterRole']) {
      await unlessMissing(
        this.admin.objects.delete({ apiVersion: rbac, kind, metadata: { name: this.names.clusterRole } }),
      );
    }
  }
}
