import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Conflict, NotFound, Unavailable } from '../../errors/index.js';
import { matchesLabels } from '../../k8s/label-selector.js';
import * as apiserver from '../definition-errors.js';
import { withAlertDelivery } from '../lifecycle/alert-history.js';
import { isTerminal } from '../model.js';
import type * as model from '../model.js';
import { manualRunId } from '../naming.js';
import { ownerOf } from '../views.js';

/** Kubernetes object names (DNS-1123 subdomain), as both real runtimes enforce. */

/** Options of {@link InMemoryJobRuntime}. */
export interface InMemoryJobRuntimeOptions {
  /** What `kind` reports; default `local`. */
  kind?: model.JobRuntime['kind'];
  /** The clock for timestamps; default the system clock. */
  now?: () => Date;
}

interface StoredRun {
  record: model.RunRecord;
  /** Creation order, so runs created in the same millisecond still list newest first. */
  seq: number;
}

/** Lets other callers in, as real I/O would: nobody may rely on a change being synchronous. */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A FAKE {@link model.JobRuntime} for unit tests: NotebookJobs and run records
 * live in memory and nothing executes. A run starts `running` and ends only
 * when the test says so with {@link finish} (or cancels it). It passes the
 * runtime contract (`jobs/job-runtime-contract.ts`), so code tested against
 * it meets the same behaviour the kubernetes and local runtimes have:
 * definitions behave like the Kubernetes store (uid, resourceVersion,
 * generation, KubeErrors, label selectors, paging); run starts with a
 * `runId` are idempotent; markers are claimed atomically; listeners get
 * every terminal run, and {@link redeliver} repeats a delivery as resyncs
 * and restarts do. Run lookups of unknown ids throw the domain `NotFound`.
 */
export class InMemoryJobRuntime implements model.JobRuntime {
  readonly kind: model.JobRuntime['kind'];
  readonly definitions: model.JobRuntime['definitions'];
  /** Errors the listeners threw (real runtimes log them and carry on). */
  readonly listenerErrors: unknown[] = [];
  private readonly jobs = new Map<string, model.NotebookJob>();
  private readonly runs = new Map<string, StoredRun>();
  private readonly listeners: model.RunFinishedListener[] = [];
  private readonly notifying = new Set<Promise<void>>();
  private readonly now: () => Date;
  private lastResourceVersion = 0;
  private lastSeq = 0;
  private started = false;

  constructor(options: InMemoryJobRuntimeOptions = {}) {
    this.kind = options.kind ?? 'local';
    this.now = options.now ?? (() => new Date());
    // Plain functions on a plain object, so a test can vi.spyOn(runtime.definitions, 'list').
    this.definitions = {
      list: (o) => this.listDefinitions(o),
      get: (name) => this.getDefinition(name),
      create: (object) => this.createDefinition(object),
      replace: (object) => this.replaceDefinition(object),
      delete: (name, preconditions) => this.deleteDefinition(name, preconditions),
    };
  }

  start(): Promise<void> {
    this.started = true;
    return Promise.resolve();
  }

  /** Stops accepting runs and waits for listener calls in flight. */
  async stop(): Promise<void> {
    this.started = false;
    await this.idle();
  }

  onRunFinished(listener: model.RunFinishedListener): void {
    this.listeners.push(listener);
  }

  async startRun(job: model.NotebookJob, request: model.StartRunRequest): Promise<model.RunRecord> {
    await yieldToOthers();
    if (!this.started) throw new Unavailable('The in-memory job runtime is not running.');
    const objectName = job.metadata.name;
    if (!objectName) throw new Error('startRun: the model.NotebookJob has no metadata.name');
    const id = request.runId ?? manualRunId(objectName);
    const existing = this.runs.get(id);
    if (existing) {
      if (existing.record.jobObjectName !== objectName)
        throw new Conflict(`Run "${id}" belongs to another job.`);
      return structuredClone(existing.record);
    }
    const now = this.now().toISOString();
    const record: model.RunRecord = {
      id,
      jobObjectName: objectName,
      job: job.spec.jobName,
      owner: ownerOf(job),
      state: 'running',
      trigger: request.trigger,
      ...(request.triggeredBy === undefined ? {} : { triggeredBy: request.triggeredBy }),
      ...(request.parameters === undefined ? {} : { parameters: structuredClone(request.parameters) }),
      attempt: 1,
      createdAt: now,
      startedAt: now,
      markers: [],
    };
    this.runs.set(id, { record, seq: ++this.lastSeq });
    return structuredClone(record);
  }

  async listRuns(jobObjectName: string): Promise<model.RunRecord[]> {
    await yieldToOthers();
    return [...this.runs.values()]
      .filter((r) => r.record.jobObjectName === jobObjectName)
      .sort((a, b) => newestFirst(a, b))
      .map((r) => structuredClone(r.record));
  }

  async getRun(runId: string): Promise<model.RunRecord | undefined> {
    await yieldToOthers();
    const found = this.runs.get(runId);
    return found && structuredClone(found.record);
  }

  async cancelRun(runId: string): Promise<model.RunRecord> {
    await yieldToOthers();
    const record = this.requireRun(runId);
    if (isTerminal(record.state)) return structuredClone(record);
    this.settle(record, 'cancelled', 'Cancelled');
    void this.notify(record);
    return structuredClone(record);
  }

  async recordProgress(runId: string, progress: model.RunProgress): Promise<void> {
    await yieldToOthers();
    const record = this.requireRun(runId);
    // As on the local runtime: a finished run's progress is final.
    if (!isTerminal(record.state)) record.progress = { cell: progress.cell, cells: progress.cells };
  }

  async claimMarker(runId: string, marker: model.RunMarker): Promise<boolean> {
    await yieldToOthers();
    const record = this.requireRun(runId);
    if (record.markers.includes(marker)) return false;
    record.markers.push(marker);
    return true;
  }

  async recordModelOutput(runId: string, outcome: model.ModelOutputOutcome): Promise<void> {
    await yieldToOthers();
    this.requireRun(runId).modelOutput = structuredClone(outcome);
  }

  async deleteRun(runId: string): Promise<void> {
    await yieldToOthers();
    this.runs.delete(runId);
  }

  async recordAlertDelivery(jobObjectName: string, delivery: model.AlertDelivery): Promise<void> {
    await yieldToOthers();
    const job = this.jobs.get(jobObjectName);
    if (!job) return;
    job.status = withAlertDelivery(job.status, structuredClone(delivery));
    job.metadata.resourceVersion = this.nextResourceVersion();
  }

  /**
   * Test driver: ends a queued or running run as `state` (a terminal state)
   * and resolves once every listener has handled it. Throws if the run is
   * unknown or has ended already: a real run never ends twice.
   */
  async finish(runId: string, state: model.RunState, reason?: string): Promise<model.RunRecord> {
    if (!isTerminal(state)) throw new Error(`finish: ${state} is not a terminal state`);
    const record = this.requireRun(runId);
    if (isTerminal(record.state)) throw new Error(`finish: run ${runId} has already ended ${record.state}`);
    this.settle(record, state, reason);
    const finished = structuredClone(record);
    await this.notify(record);
    return finished;
  }

  /**
   * Test driver: hands the run, as stored now, to the listeners again, as a
   * resync or a new leader does. Resolves once they have handled it.
   */
  redeliver(runId: string): Promise<void> {
    const record = this.requireRun(runId);
    if (!isTerminal(record.state)) throw new Error(`redeliver: run ${runId} has not ended`);
    return this.notify(record);
  }

  /** Resolves once no listener call is in flight. */
  async idle(): Promise<void> {
    while (this.notifying.size > 0) await Promise.allSettled([...this.notifying]);
  }

  private requireRun(runId: string): model.RunRecord {
    const found = this.runs.get(runId);
    if (!found) throw new NotFound(`Run "${runId}" not found.`);
    return found.record;
  }

  private settle(record: model.RunRecord, state: model.RunState, reason: string | undefined): void {
    const now = this.now().toISOString();
    record.state = state;
    record.startedAt ??= now;
    record.finishedAt = now;
    if (reason === undefined) delete record.reason;
    else record.reason = reason;
  }

  private notify(record: model.RunRecord): Promise<void> {
    const run = structuredClone(record);
    const job = this.jobs.get(run.jobObjectName);
    const call = (async () => {
      await yieldToOthers();
      for (const listener of this.listeners) {
        try {
          await listener(structuredClone(run), job && structuredClone(job));
        } catch (err) {
          this.listenerErrors.push(err);
        }
      }
    })();
    this.notifying.add(call);
    void call.finally(() => this.notifying.delete(call));
    return call;
  }

  private nextResourceVersion(): string {
    this.lastResourceVersion += 1;
    return String(this.lastResourceVersion);
  }

  private async listDefinitions(options: {
    labelSelector?: string;
    limit?: number;
    continue?: string;
  }): Promise<{ items: model.NotebookJob[]; continue?: string }> {
    await yieldToOthers();
    const requirements = apiserver.parseSelector(options.labelSelector);
    const after = apiserver.decodeCursor(options.continue);
    const matching = [...this.jobs.values()]
      .filter((job) => matchesLabels(requirements, job.metadata.labels))
      .filter((job) => after === undefined || (job.metadata.name ?? '') > after)
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const limit = options.limit && options.limit > 0 ? options.limit : matching.length;
    const items = matching.slice(0, limit).map((job) => structuredClone(job));
    const last = items.at(-1)?.metadata.name;
    return matching.length > limit && last
      ? { items, continue: Buffer.from(last).toString('base64url') }
      : { items };
  }

  private async getDefinition(name: string): Promise<model.NotebookJob> {
    await yieldToOthers();
    const job = this.jobs.get(name);
    if (!job) throw apiserver.notFound(name);
    return structuredClone(job);
  }

  private async createDefinition(object: model.NotebookJob): Promise<model.NotebookJob> {
    await yieldToOthers();
    const name = apiserver.checkName(object.metadata.name);
    if (this.jobs.has(name)) {
      throw apiserver.alreadyExists(name);
    }
    const stored = structuredClone(object);
    stored.metadata = {
      ...stored.metadata,
      name,
      uid: randomUUID(),
      resourceVersion: this.nextResourceVersion(),
      generation: 1,
      creationTimestamp: this.now().toISOString(),
    };
    delete stored.metadata.deletionTimestamp;
    this.jobs.set(name, stored);
    return structuredClone(stored);
  }

  private async replaceDefinition(object: model.NotebookJob): Promise<model.NotebookJob> {
    await yieldToOthers();
    const name = apiserver.checkName(object.metadata.name);
    const current = this.jobs.get(name);
    if (!current) throw apiserver.notFound(name);
    const { resourceVersion, uid } = object.metadata;
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      throw apiserver.conflict(
        name,
        'the object has been modified; please apply your changes to the latest version',
      );
    }
    if (uid !== undefined && uid !== current.metadata.uid)
      throw apiserver.conflict(name, `uid is not ${uid}`);
    const stored = structuredClone(object);
    stored.metadata = {
      ...stored.metadata,
      name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: this.nextResourceVersion(),
      generation: (current.metadata.generation ?? 1) + (isDeepStrictEqual(current.spec, object.spec) ? 0 : 1),
    };
    this.jobs.set(name, stored);
    return structuredClone(stored);
  }

  /** Deletes the object and, as Kubernetes' garbage collector and the local runtime do, its runs. */
  private async deleteDefinition(
    name: string,
    preconditions: { uid?: string; resourceVersion?: string } = {},
  ): Promise<void> {
    await yieldToOthers();
    const current = this.jobs.get(name);
    if (!current) throw apiserver.notFound(name);
    if (preconditions.uid !== undefined && preconditions.uid !== current.metadata.uid) {
      throw apiserver.conflict(name, `Precondition failed: UID in precondition: ${preconditions.uid}`);
    }
    if (
      preconditions.resourceVersion !== undefined &&
      preconditions.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw apiserver.conflict(
        name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}`,
      );
    }
    this.jobs.delete(name);
    for (const [id, run] of this.runs) if (run.record.jobObjectName === name) this.runs.delete(id);
  }
}

/** Newest first: by creation time, then by creation order. */
function newestFirst(a: StoredRun, b: StoredRun): number {
  if (a.record.createdAt !== b.record.createdAt) return a.record.createdAt < b.record.createdAt ? 1 : -1;
  return b.seq - a.seq;
}
