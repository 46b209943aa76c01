import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../repository-root.js';
import { NotFound, Unavailable } from '../../errors/index.js';
import { isTerminal } from '../model.js';
import type * as model from '../model.js';
import type { ArtifactStore } from '../../artifacts/index.js';
import { artifactKeys, manualRunId } from '../naming.js';
import { runTokenSubject } from '../run-token.js';
import { withAlertDelivery } from '../lifecycle/alert-history.js';
import { KubeConflictError, KubeNotFoundError } from '../../k8s/errors.js';
import { ANNOTATIONS } from '../../ownership/labels.js';
import type { Logger } from '../../observability/logger.js';
import { removeFile } from '../../files/json-files.js';
import { LocalDefinitionStore } from './local-definition-store.js';
import { LocalRunStore } from './local-run-store.js';
import { LocalScheduler } from './local-scheduler.js';
import { scheduledRunId, tickDecision } from '../schedule-ticks.js';
import { tailLog } from './log-tail.js';
import { ProcessRunner, type RunOutcome, type RunningProcess } from './process-runner.js';
import { runnerBaseEnvironment } from './runner-environment.js';
import { WarmRunnerPool } from './warm-runner-pool.js';

/** Options of {@link LocalJobRuntime}. */
export interface LocalJobRuntimeOptions {
  /** Holds `notebookjobs/`, `runs/` and `logs/`. */
  stateDir: string;
  artifacts: ArtifactStore;
  tokens: model.RunTokens;
  /** Base URL of the runner API (`http://127.0.0.1:8000/services/turing/`); read when a run starts. */
  runnerApiUrl: () => string;
  /** Python with papermill; default `<repo>/.venv/bin/python`. */
  pythonPath?: string;
  /** Default `<repo>/runner/turing_runner.py`. */
  runnerScript?: string;
  logger: Logger;
  /** Between SIGTERM and SIGKILL when a run is stopped; 5 s. */
  killGraceMs?: number;
  /** The run owner's home, a template such as `/srv/homes/{username}` (`jobs.localUserHome`); default hub-proxy's `HOME`. */
  userHomeTemplate?: string;
  /**
   * Warm runners kept ready (`jobs.localWarmRunners`): pre-started runner
   * processes that have imported papermill, each handed one run. 0 is off.
   * Default 1 with the built-in runner, 0 with another `runnerScript` (a
   * stand-in need not speak the hand-over protocol of runner/warm_start.py).
   */
  warmRunners?: number;
}

/** A run with a process: how to stop it and when its record is terminal. */
interface ActiveRun {
  process: RunningProcess;
  settled: Promise<model.RunRecord | undefined>;
}

const RESTARTED = 'hub-proxy restarted during the run';
const STOPPED = 'hub-proxy stopped during the run';

/**
 * The local runtime, for `npm run demo` and tests: NotebookJob objects and
 * run records are JSON files under `stateDir`, schedules are croner timers,
 * and each run is a papermill subprocess (`runner/turing_runner.py`) that
 * talks to hub-proxy's runner API like a runner pod does; a pre-started
 * warm runner takes the run when one is ready. Retries,
 * timeouts, concurrency policies, logs and outputs behave as on Kubernetes.
 */
export class LocalJobRuntime implements model.JobRuntime {
  readonly kind = 'local';
  readonly definitions: model.JobRuntime['definitions'];
  private readonly store: LocalDefinitionStore;
  private readonly runs: LocalRunStore;
  private readonly scheduler: LocalScheduler;
  private readonly processes: ProcessRunner;
  private readonly warmPool: WarmRunnerPool;
  private readonly active = new Map<string, ActiveRun>();
  private readonly listeners: model.RunFinishedListener[] = [];
  /** Listener calls in flight, awaited by stop(). */
  private readonly notifying = new Set<Promise<void>>();
  private readonly logger: Logger;
  private started = false;

  constructor(private readonly options: LocalJobRuntimeOptions) {
    this.logger = options.logger;
    this.store = new LocalDefinitionStore(join(options.stateDir, 'notebookjobs'));
    this.runs = new LocalRunStore(join(options.stateDir, 'runs'));
    this.scheduler = new LocalScheduler({
      onTick: async (name, at) => void (await this.runScheduledTick(name, at)),
      logger: options.logger,
    });
    const pythonPath = options.pythonPath ?? join(REPOSITORY_ROOT, '.venv', 'bin', 'python');
    const runnerScript = options.runnerScript ?? join(REPOSITORY_ROOT, 'runner', 'turing_runner.py');
    this.warmPool = new WarmRunnerPool({
      size: options.warmRunners ?? (options.runnerScript === undefined ? 1 : 0),
      pythonPath,
      runnerScript,
      cwd: tmpdir(),
      environment: runnerBaseEnvironment,
      logger: options.logger,
    });
    this.processes = new ProcessRunner({
      pythonPath,
      runnerScript,
      warmPool: this.warmPool,
      logsDir: join(options.stateDir, 'logs'),
      runnerApiUrl: options.runnerApiUrl,
      tokens: options.tokens,
      logger: options.logger,
      ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
      ...(options.userHomeTemplate === undefined ? {} : { userHomeTemplate: options.userHomeTemplate }),
    });
    this.definitions = {
      list: (o) => this.store.list(o),
      get: (name) => this.store.get(name),
      create: async (object) => {
        const created = await this.store.create(object);
        if (this.started) this.warmPool.start();
        return this.schedule(created);
      },
      replace: async (object) => this.schedule(await this.store.replace(object)),
      delete: async (name, preconditions) => {
        await this.store.delete(name, preconditions);
        this.scheduler.remove(name);
        // Like the Jobs a NotebookJob owns on Kubernetes, its runs go with it.
        for (const run of this.runs.list(name)) await this.deleteRun(run.id);
      },
    };
  }

  /**
   * Loads runs, fails those a previous process left unfinished, schedules
   * every job, and hands finished runs whose lifecycle steps did not all
   * succeed (no `recorded` marker) to the listeners again, as a resync does
   * on Kubernetes.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await this.runs.load();
    const unrecorded = this.runs.all().filter((r) => isTerminal(r.state) && !r.markers.includes('recorded'));
    for (const run of this.runs.all().filter((r) => !isTerminal(r.state))) {
      await this.saveCapturedLog(run, true);
      const failed = await this.settleRecord(run.id, { state: 'failed', reason: RESTARTED });
      if (failed) this.notify(failed);
    }
    this.started = true;
    let cursor: string | undefined;
    do {
      const page = await this.store.list({ limit: 500, ...(cursor ? { continue: cursor } : {}) });
      for (const job of page.items) this.scheduler.sync(job);
      // Warm runners once there is a job to run: a hub-proxy without jobs (most tests) starts no Python.
      if (page.items.length > 0) this.warmPool.start();
      cursor = page.continue;
    } while (cursor);
    this.logger.info({ scheduled: this.scheduler.scheduled().length }, 'local job runtime started');
    for (const run of unrecorded) this.notify(run);
  }

  /** Stops the timers and warm runners, kills running runs (they end `failed`) and waits for their listeners. */
  async stop(): Promise<void> {
    this.started = false;
    this.scheduler.stop();
    await this.warmPool.stop();
    const active = [...this.active.values()];
    for (const run of active) run.process.cancel({ state: 'failed', reason: STOPPED });
    await Promise.allSettled(active.map((r) => r.settled));
    await Promise.allSettled([...this.notifying]);
  }

  async startRun(job: model.NotebookJob, request: model.StartRunRequest): Promise<model.RunRecord> {
    if (!this.started) throw new Unavailable('The local job runtime is not running.');
    const objectName = job.metadata.name ?? '';
    if (request.runId) {
      const existing = this.runs.get(request.runId);
      if (existing) return existing;
    }
    // The token is bound to the stored definition's uid, so it dies with that definition.
    const tokenSubject = runTokenSubject(job.metadata.uid ? job : await this.store.get(objectName));
    const record: model.RunRecord = {
      id: request.runId ?? manualRunId(objectName),
      jobObjectName: objectName,
      job: job.spec.jobName,
      owner: ownerOf(job),
      state: 'queued',
      trigger: request.trigger,
      ...(request.triggeredBy === undefined ? {} : { triggeredBy: request.triggeredBy }),
      ...(request.parameters === undefined ? {} : { parameters: request.parameters }),
      attempt: 0,
      createdAt: new Date().toISOString(),
      markers: [],
    };
    // Undefined: a concurrent start with the same id won; that run is the answer.
    if (!(await this.runs.create(record))) return this.runs.get(record.id) ?? record;
    let firstAttempt!: () => void;
    const running = new Promise<void>((resolve) => (firstAttempt = resolve));
    const process = this.processes.start({
      runId: record.id,
      tokenSubject,
      retries: job.spec.retries,
      timeoutSeconds: job.spec.timeoutSeconds,
      onAttempt: async (attempt) => {
        await this.runs.update(record.id, (r) => {
          r.state = 'running';
          r.attempt = attempt;
          r.startedAt ??= new Date().toISOString();
        });
        firstAttempt();
      },
    });
    const settled = process.done.then((outcome) => this.settle(record, outcome));
    this.active.set(record.id, { process, settled });
    await Promise.race([running, settled]);
    return this.runs.get(record.id) ?? record;
  }

  /** Warm runners ready to take a run now (and those starting); for tests and diagnostics. */
  warmRunners(): { ready: number; starting: number } {
    return { ready: this.warmPool.ready, starting: this.warmPool.size - this.warmPool.ready };
  }

  listRuns(jobObjectName: string): Promise<model.RunRecord[]> {
    return Promise.resolve(this.runs.list(jobObjectName));
  }

  getRun(runId: string): Promise<model.RunRecord | undefined> {
    return Promise.resolve(this.runs.get(runId));
  }

  async cancelRun(runId: string): Promise<model.RunRecord> {
    const record = this.requireRun(runId);
    if (isTerminal(record.state)) return record;
    const active = this.active.get(runId);
    if (active) {
      active.process.cancel();
      return (await active.settled) ?? record;
    }
    // No process: the run was left queued; nothing to kill.
    const cancelled = await this.settleRecord(runId, { state: 'cancelled', reason: 'Cancelled' });
    if (cancelled) this.notify(cancelled);
    return cancelled ?? record;
  }

  async recordProgress(runId: string, progress: model.RunProgress): Promise<void> {
    this.requireRun(runId);
    await this.runs.update(runId, (r) => {
      if (!isTerminal(r.state)) r.progress = { cell: progress.cell, cells: progress.cells };
    });
  }

  async claimMarker(runId: string, marker: model.RunMarker): Promise<boolean> {
    const claimed = await this.runs.claimMarker(runId, marker);
    if (claimed === undefined) throw new NotFound(`Run "${runId}" not found.`);
    return claimed;
  }

  async recordModelOutput(runId: string, outcome: model.ModelOutputOutcome): Promise<void> {
    this.requireRun(runId);
    await this.runs.update(runId, (r) => {
      r.modelOutput = structuredClone(outcome);
    });
  }

  /** Deletes the record and the captured log; a run still going is cancelled first. */
  async deleteRun(runId: string): Promise<void> {
    const active = this.active.get(runId);
    if (active) {
      active.process.cancel();
      await active.settled;
    }
    await this.runs.delete(runId);
    await removeFile(this.processes.logPath(runId));
  }

  followLog(runId: string, signal: AbortSignal): AsyncIterable<string> | undefined {
    if (!this.runs.get(runId)) return undefined;
    return tailLog(this.processes.logPath(runId), {
      signal,
      isFinished: () => {
        const run = this.runs.get(runId);
        return !run || isTerminal(run.state);
      },
    });
  }

  /** Appends to the job's `status.alerts`; the store has no status subresource, so a replace does it. */
  async recordAlertDelivery(jobObjectName: string, delivery: model.AlertDelivery): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      let job: model.NotebookJob;
      try {
        job = await this.store.get(jobObjectName);
      } catch (err) {
        if (err instanceof KubeNotFoundError) return;
        throw err;
      }
      try {
        await this.store.replace({ ...job, status: withAlertDelivery(job.status, delivery) });
        return;
      } catch (err) {
        if (!(err instanceof KubeConflictError)) throw err;
      }
    }
  }

  onRunFinished(listener: model.RunFinishedListener): void {
    this.listeners.push(listener);
  }

  /** When the job's schedule fires next; undefined if it is not scheduled here. */
  nextScheduledRun(objectName: string): Date | undefined {
    return this.scheduler.nextRun(objectName);
  }

  /**
   * What a tick of `objectName`'s schedule at `at` does: applies the job's
   * concurrency policy to its active runs, then starts the tick's run (one
   * per tick, even if handled twice). Public so a test can fire a tick.
   */
  async runScheduledTick(objectName: string, at: Date): Promise<model.RunRecord | undefined> {
    let job: model.NotebookJob;
    try {
      job = await this.store.get(objectName);
    } catch (err) {
      if (!(err instanceof KubeNotFoundError)) throw err;
      this.scheduler.remove(objectName);
      return undefined;
    }
    if (!job.spec.schedule || job.spec.suspend) return undefined;
    const runId = scheduledRunId(objectName, at);
    const existing = this.runs.get(runId);
    if (existing) return existing; // this tick was handled already
    const activeRuns = this.runs.list(objectName).filter((r) => !isTerminal(r.state));
    const decision = tickDecision(job.spec.concurrency, activeRuns.length);
    if (decision === 'skip') {
      this.logger.info({ job: objectName, active: activeRuns.map((r) => r.id) }, 'tick skipped (forbid)');
      return undefined;
    }
    if (decision === 'replace') await Promise.all(activeRuns.map((r) => this.cancelRun(r.id)));
    return this.startRun(job, { trigger: 'schedule', runId });
  }

  private schedule(job: model.NotebookJob): model.NotebookJob {
    if (this.started) this.scheduler.sync(job);
    return job;
  }

  private requireRun(runId: string): model.RunRecord {
    const record = this.runs.get(runId);
    if (!record) throw new NotFound(`Run "${runId}" not found.`);
    return record;
  }

  /** After the processes: keep the log, write the terminal state, then tell the listeners. */
  private async settle(record: model.RunRecord, outcome: RunOutcome): Promise<model.RunRecord | undefined> {
    try {
      // Before the state turns terminal, so whoever sees the end also finds log.txt.
      await this.saveCapturedLog(record, outcome.killed === true);
      const { state, reason } = outcome;
      const final = await this.settleRecord(record.id, reason === undefined ? { state } : { state, reason });
      if (final) this.notify(final);
      return final;
    } finally {
      this.active.delete(record.id);
    }
  }

  private settleRecord(runId: string, outcome: Pick<RunOutcome, 'state' | 'reason'>) {
    const now = new Date().toISOString();
    return this.runs.update(runId, (r) => {
      r.state = outcome.state;
      r.finishedAt = now;
      if (outcome.reason === undefined) delete r.reason;
      else r.reason = outcome.reason;
    });
  }

  /**
   * Uploads the captured output as `log.txt` when the runner could not
   * (it was killed, or never got that far). A runner's own log.txt is kept.
   */
  private async saveCapturedLog(run: model.RunRecord, overwrite: boolean): Promise<void> {
    const key = artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, 'log.txt');
    const path = this.processes.logPath(run.id);
    try {
      if (!(await stat(path).catch(() => undefined))) return; // nothing was captured
      if (!overwrite && (await this.options.artifacts.head(key))) return;
      await this.options.artifacts.put(key, createReadStream(path), {
        contentType: 'text/plain; charset=utf-8',
      });
    } catch (err) {
      this.logger.warn({ err, run: run.id }, 'could not store the captured log');
    }
  }

  /** Calls every listener; their errors are logged, never thrown. */
  private notify(run: model.RunRecord): void {
    const call = (async () => {
      const job = await this.store.get(run.jobObjectName).catch(() => undefined);
      for (const listener of this.listeners) {
        try {
          await listener(structuredClone(run), job);
        } catch (err) {
          this.logger.error({ err, run: run.id }, 'run-finished listener failed');
        }
      }
    })();
    this.notifying.add(call);
    void call.finally(() => this.notifying.delete(call));
  }
}

/** The owner's raw hub user name, as the jobs service stamps it. */
function ownerOf(job: model.NotebookJob): string {
  const owner = job.metadata.annotations?.[ANNOTATIONS.ownerName];
  if (!owner) throw new Error(`NotebookJob ${job.metadata.name ?? ''} has no owner annotation`);
  return owner;
}
