import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPOSITORY_ROOT } from '../../repository-root.js';
import { backoffDelay, type BackoffPolicy } from '../../k8s/backoff.js';
import type { Logger } from '../../observability/logger.js';
import type { Endpoint, EndpointSource } from '../gateway/endpoint-source.js';
import { StaticEndpointSource } from '../gateway/static-endpoint-source.js';
import type { ModelRecord, ModelRuntime, ModelSpec, ModelStatus, ModelVersion } from '../model.js';
import { desiredServing, type Desired } from './desired-serving.js';
import { describeExit, logExcerpt, sentenceStart, versionWords } from './failure-message.js';
import { freeLoopbackPort } from './free-port.js';
import { lastLines } from './log-lines.js';
import { LocalModelFiles } from './model-files.js';
import { LocalModelRecordStore } from './model-record-store.js';
import { probeVersions } from './readiness-probe.js';
import { prepareLaunch, type LaunchPlan } from './serving-launch.js';
import { ServingProcess, type ProcessExit } from './serving-process.js';

/** Options of {@link LocalModelRuntime}. */
export interface LocalModelRuntimeOptions {
  /** Holds `records/`, `versions/`, `serving/` and `logs/`; default `<repo>/.turing/models`. */
  stateDir?: string;
  /** The MLServer venv's python (its `mlserver` script is beside it); default `<repo>/.venv-serving/bin/python`. */
  mlserverPython?: string;
  /** The python with tensorflow-cpu for the TF Serving stand-in; default `<repo>/.venv-serving/bin/python`. */
  tensorflowPython?: string;
  /** Default `<repo>/serving/tfserving_standin.py`. */
  standinScript?: string;
  /** Writes the files of `version` into `dir` (which exists and is empty). */
  materialize: (spec: ModelSpec, version: ModelVersion, dir: string) => Promise<void>;
  logger: Logger;
  /** How long a new process may take to serve every wanted version; 180 s (TensorFlow imports slowly). */
  readyTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL; 5 s. */
  stopGraceMs?: number;
  /** After traffic moves to a new process, the old one finishes its requests for this long; 1 s. */
  drainMs?: number;
  /** Restarts of a process that failed or crashed; 1 s doubling up to 60 s. */
  retryBackoff?: BackoffPolicy;
}

/** A process that serves (or is about to serve) a model's versions. */
interface Serving {
  key: string;
  versions: number[];
  dir: string;
  plan: LaunchPlan;
  process: ServingProcess;
  endpoint: Endpoint;
}

/** What the runtime knows of one model between reconciles. */
interface ModelState {
  /** The process the endpoint source points at. */
  current?: Serving;
  /** The start in progress, cancelled when the wanted versions change again. */
  starting?: { key: string; abort: AbortController };
  loop?: Promise<void>;
  dirty: boolean;
  failures: number;
  retryTimer?: NodeJS.Timeout;
}

/** A key no serving set has: the model must not serve. */
const NOTHING = '';
const PROBE_INTERVAL_MS = 250;

/**
 * The local models runtime, for `npm run demo` and tests. Records are JSON
 * files; each model with traffic and not disabled gets one process on a
 * free loopback port serving its stable and canary versions: MLServer for
 * xgboost and sklearn, the TF Serving stand-in for SavedModels. When the
 * versions change, a new process starts, and traffic moves to it only once
 * it serves every version; then the old one stops, so the previous versions
 * serve until the new ones are ready (as a Deployment's rolling update). A
 * process that fails or crashes restarts with backoff; its status carries
 * the end of its log.
 */
export class LocalModelRuntime implements ModelRuntime {
  readonly kind = 'local';
  /** The ready process of each model serving (at most one). */
  readonly endpoints: EndpointSource;
  private readonly ready = new StaticEndpointSource();
  private readonly store: LocalModelRecordStore;
  private readonly models = new Map<string, ModelState>();
  private readonly logger: Logger;
  private readonly files: LocalModelFiles;
  private started = false;

  constructor(private readonly options: LocalModelRuntimeOptions) {
    this.logger = options.logger;
    this.endpoints = this.ready;
    this.files = new LocalModelFiles(options.stateDir ?? join(REPOSITORY_ROOT, '.turing', 'models'));
    this.store = new LocalModelRecordStore(this.files.records);
  }

  /** Stops what a previous hub-proxy left running, then starts serving every stored model. */
  async start(): Promise<void> {
    if (this.started) return;
    const records = await this.store.list();
    await this.files.removeLeftovers(new Set(records.map((r) => r.spec.name)));
    this.started = true;
    for (const record of records) this.kick(record.spec.name);
    this.logger.info({ models: records.length }, 'local model runtime started');
  }

  /** Stops every serving process (records stay: start() serves them again). */
  async stop(): Promise<void> {
    this.started = false;
    const states = [...this.models.entries()];
    for (const [, state] of states) {
      clearTimeout(state.retryTimer);
      state.starting?.abort.abort();
    }
    await Promise.allSettled(states.map(([, s]) => s.loop));
    await Promise.allSettled(states.map(([name, s]) => this.retire(name, s)));
    this.models.clear();
  }

  async list(owner?: string): Promise<ModelRecord[]> {
    const all = await this.store.list();
    return owner === undefined ? all : all.filter((r) => r.spec.owner === owner);
  }

  get(name: string): Promise<ModelRecord | undefined> {
    return this.store.get(name);
  }

  async create(spec: ModelSpec): Promise<ModelRecord> {
    const desired = desiredServing(spec);
    const record = await this.store.create(spec, initialStatus(desired));
    this.kick(spec.name, keyOf(desired));
    return record;
  }

  async update(spec: ModelSpec, resourceVersion: string): Promise<ModelRecord> {
    const record = await this.store.update(spec, resourceVersion);
    this.kick(spec.name, keyOf(desiredServing(spec)));
    return record;
  }

  /** Removes the record, then stops its process and removes its files and log before returning. */
  async delete(name: string): Promise<void> {
    await this.store.delete(name);
    if (this.started) {
      // The reconcile of a missing record stops the process and removes the files.
      this.kick(name, NOTHING);
      await this.models.get(name)?.loop;
    } else {
      await this.files.removeModel(name);
    }
  }

  logs(name: string, tailLines: number): Promise<string> {
    return lastLines(this.files.logPath(name), tailLines);
  }

  /**
   * Schedules a reconcile of `name`. `wantedKey` is the serving set the
   * caller just asked for: a start in progress for another set is cancelled.
   */
  private kick(name: string, wantedKey?: string): void {
    let state = this.models.get(name);
    if (!state) {
      state = { dirty: false, failures: 0 };
      this.models.set(name, state);
    }
    state.dirty = true;
    clearTimeout(state.retryTimer);
    if (wantedKey !== undefined && state.starting && state.starting.key !== wantedKey) {
      state.starting.abort.abort();
    }
    if (!state.loop) state.loop = this.loop(name, state);
  }

  private async loop(name: string, state: ModelState): Promise<void> {
    try {
      while (state.dirty && this.started) {
        state.dirty = false;
        try {
          await this.reconcile(name, state);
        } catch (err) {
          this.logger.error({ err, model: name }, 'reconciling a local model failed');
        }
      }
    } finally {
      state.loop = undefined;
    }
  }

  private async reconcile(name: string, state: ModelState): Promise<void> {
    const record = await this.store.get(name);
    if (!record) {
      await this.retire(name, state);
      this.models.delete(name);
      await this.files.removeModel(name);
      return;
    }
    const desired = desiredServing(record.spec);
    if (!desired.serve) {
      await this.retire(name, state);
      await this.setStatus(name, {
        phase: desired.phase,
        replicas: 0,
        readyReplicas: 0,
        servingVersions: [],
        message: desired.message,
      });
      return;
    }
    const current = state.current;
    if (current?.key === desired.key && current.process.running) {
      await this.setStatus(name, readyStatus(current));
      return;
    }
    const keeps = current?.process.running ? current : undefined;
    await this.setStatus(name, {
      phase: 'Pending',
      replicas: 1,
      readyReplicas: keeps ? 1 : 0,
      servingVersions: keeps?.versions ?? [],
      message: `Starting ${desired.label} for ${versionWords(desired.versions.map((v) => v.version))}.`,
    });
    const abort = new AbortController();
    state.starting = { key: desired.key, abort };
    let next: Serving;
    try {
      next = await this.launch(record.spec, desired, abort.signal);
    } catch (err) {
      if (abort.signal.aborted) return; // superseded: the loop runs again
      const delay = this.retryDelay(state);
      await this.setStatus(name, {
        phase: keeps ? 'Degraded' : 'Failed',
        replicas: 1,
        readyReplicas: keeps ? 1 : 0,
        servingVersions: keeps?.versions ?? [],
        message: `${(err as Error).message}\nRetrying in ${Math.ceil(delay / 1000)} s.`,
      });
      this.retryLater(name, state, delay);
      return;
    } finally {
      state.starting = undefined;
    }
    // The new process serves every wanted version: traffic moves, then the old one stops.
    state.current = next;
    state.failures = 0;
    this.ready.set(name, [next.endpoint]);
    this.watchForCrash(name, next);
    await this.setStatus(name, readyStatus(next));
    this.logger.info({ model: name, versions: next.versions, port: next.plan.port }, 'model serving');
    if (current) {
      await sleep(this.options.drainMs ?? 1_000);
      await this.stopServing(current);
    }
  }

  /** Materialises the versions, starts the process and waits until it serves all of them. */
  private async launch(
    spec: ModelSpec,
    desired: Extract<Desired, { serve: true }>,
    signal: AbortSignal,
  ): Promise<Serving> {
    const versionsRoot = this.files.versionsRoot(spec.name);
    for (const version of desired.versions) {
      await this.files.materializeOnce(spec, version, this.options.materialize);
      signal.throwIfAborted();
    }
    const numbers = desired.versions.map((v) => v.version);
    const dir = await this.files.newProcessDir(spec.name, numbers);
    let started: ServingProcess | undefined;
    try {
      const port = await freeLoopbackPort();
      const plan = await prepareLaunch({
        spec,
        format: desired.format,
        versions: desired.versions,
        versionsRoot,
        dir,
        port,
        mlserverPython:
          this.options.mlserverPython ?? join(REPOSITORY_ROOT, '.venv-serving', 'bin', 'python'),
        tensorflowPython:
          this.options.tensorflowPython ?? join(REPOSITORY_ROOT, '.venv-serving', 'bin', 'python'),
        standinScript: this.options.standinScript ?? join(REPOSITORY_ROOT, 'serving', 'tfserving_standin.py'),
      });
      signal.throwIfAborted();
      started = await ServingProcess.start(plan, this.files.logPath(spec.name));
      const serving: Serving = {
        key: desired.key,
        versions: numbers,
        dir,
        plan,
        process: started,
        endpoint: { id: `local-${port}`, url: `http://127.0.0.1:${port}`, versions: numbers },
      };
      await this.waitUntilReady(spec.name, serving, signal);
      return serving;
    } catch (err) {
      await started?.stop(this.options.stopGraceMs ?? 5_000);
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Polls until the process serves every version; throws when it exits, a version fails, or time is up. */
  private async waitUntilReady(model: string, serving: Serving, signal: AbortSignal): Promise<void> {
    const { plan, process } = serving;
    const timeoutMs = this.options.readyTimeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    const failed = async (what: string) =>
      new Error(
        `${sentenceStart(plan.label)} ${what}${await logExcerpt(this.files.logPath(model), process.logOffset)}`,
      );
    let exit: ProcessExit | undefined;
    void process.exited.then((e) => (exit = e));
    for (;;) {
      signal.throwIfAborted();
      if (exit)
        throw await failed(`${describeExit(exit)} before it served ${versionWords(serving.versions)}.`);
      const probe = await probeVersions(plan.kind, plan.port, model, serving.versions);
      if (probe.ready) return;
      if (probe.failure) throw await failed(`could not serve ${probe.failure}.`);
      if (Date.now() > deadline) {
        throw await failed(
          `did not serve ${versionWords(serving.versions)} within ${Math.round(timeoutMs / 1000)} s.`,
        );
      }
      await sleep(PROBE_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Takes the model out of the endpoints when its process dies on its own, and restarts it. */
  private watchForCrash(name: string, serving: Serving): void {
    void serving.process.exited.then(async (exit) => {
      const state = this.models.get(name);
      if (!state || state.current !== serving || serving.process.stopRequested || !this.started) return;
      state.current = undefined;
      this.ready.set(name, []);
      const delay = this.retryDelay(state);
      this.logger.warn({ model: name, exit }, 'model serving process exited');
      try {
        await rm(serving.dir, { recursive: true, force: true });
        await this.setStatus(name, {
          phase: 'Failed',
          replicas: 1,
          readyReplicas: 0,
          servingVersions: [],
          message:
            `${sentenceStart(serving.plan.label)} ${describeExit(exit)}.` +
            `${await logExcerpt(this.files.logPath(name), serving.process.logOffset)}\nRestarting in ${Math.ceil(delay / 1000)} s.`,
        });
      } finally {
        this.retryLater(name, state, delay);
      }
    });
  }

  private retryDelay(state: ModelState): number {
    state.failures += 1;
    return backoffDelay(
      state.failures - 1,
      this.options.retryBackoff ?? { initialMs: 1_000, factor: 2, maxMs: 60_000, jitter: 0.2 },
    );
  }

  private retryLater(name: string, state: ModelState, delayMs: number): void {
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => {
      if (this.started && this.models.get(name) === state) this.kick(name);
    }, delayMs);
    state.retryTimer.unref();
  }

  /** Stops whatever serves `name` and takes it out of the endpoints. */
  private async retire(name: string, state: ModelState): Promise<void> {
    clearTimeout(state.retryTimer);
    const current = state.current;
    state.current = undefined;
    if (this.ready.endpoints(name).length > 0) this.ready.set(name, []);
    if (current) await this.stopServing(current);
  }

  private async stopServing(serving: Serving): Promise<void> {
    await serving.process.stop(this.options.stopGraceMs ?? 5_000);
    await rm(serving.dir, { recursive: true, force: true });
  }

  private async setStatus(name: string, status: ModelStatus): Promise<void> {
    await this.store.setStatus(name, status);
  }
}

function keyOf(desired: Desired): string {
  return desired.serve ? desired.key : NOTHING;
}

function initialStatus(desired: Desired): ModelStatus {
  if (!desired.serve) {
    return {
      phase: desired.phase,
      replicas: 0,
      readyReplicas: 0,
      servingVersions: [],
      message: desired.message,
    };
  }
  return {
    phase: 'Pending',
    replicas: 1,
    readyReplicas: 0,
    servingVersions: [],
    message: 'Waiting to start.',
  };
}

function readyStatus(serving: Serving): ModelStatus {
  return { phase: 'Ready', replicas: 1, readyReplicas: 1, servingVersions: [...serving.versions] };
}
