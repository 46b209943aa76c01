import type { KubernetesObject, V1Job } from '@kubernetes/client-node';
import { isTerminal, type NotebookJob, type RunRecord } from '../model.js';
import { scheduledRunId, tickDecision } from '../schedule-ticks.js';
import {
  silentKubeLogger,
  type InformerCache,
  type KubeLogger,
  type ManagedController,
} from '../../k8s/index.js';
import { asNotebookJob } from './jobs-kube-api.js';
import { ScheduleBook } from './schedule-book.js';

/** Settings of a {@link ScheduleFirer}. */
export interface ScheduleFirerOptions {
  notebookJobs: InformerCache<KubernetesObject>;
  /** The run Jobs cache; the firer starts only once it is synced. */
  jobs: InformerCache<V1Job>;
  /** A job's cached runs (any order). */
  runsOf(objectName: string): RunRecord[];
  /** Creates the tick's run Job named `runId`; one that already exists is success. */
  startRun(job: NotebookJob, runId: string): Promise<void>;
  cancelRun(runId: string): Promise<unknown>;
  /** Runs created at once at a boundary. Default 16. */
  concurrency?: number;
  /**
   * On becoming leader, each job's latest tick up to this many seconds ago
   * that has no run yet starts then (the ticks missed while no replica led).
   * Default 300.
   */
  catchUpSeconds?: number;
  /** Attempts per tick when the API server refuses. Default 4 (0.5, 1, 2 s apart). */
  attempts?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** Called with each run started: its tick and how late after the tick it was created. */
  onStarted?(tick: Date, lateSeconds: number): void;
  logger?: KubeLogger;
}

interface Tick {
  name: string;
  at: Date;
}

/**
 * Starts the scheduled runs of the kubernetes runtime: at each minute
 * boundary, while this replica leads, it creates a batch/v1 Job for every
 * NotebookJob whose schedule ticks then. It replaces kube-controller-manager's
 * CronJob controller, whose every sync scans all the Jobs of the namespace
 * and so at 10,000 schedules and 50,000 kept runs made about 360 of 1,000
 * runs a minute (docs/performance.md).
 *
 * - **Once per tick.** The Job is named {@link scheduledRunId} (job and
 *   minute), so a tick handled twice, by a replica that lost the Lease a
 *   moment ago or by the catch-up, makes one run: the API server refuses the
 *   second create.
 * - **CronJob semantics.** The schedule is read in the job's time zone,
 *   `suspend` stops new runs, and the concurrency policy applies
 *   ({@link tickDecision}). History is kept by the lifecycle's retention.
 * - **Missed ticks.** A new leader starts, per job, the latest tick of the last
 *   `catchUpSeconds` that has no run, and no tick before the job existed; older
 *   ones are dropped, as a CronJob with a starting deadline drops them.
 */
export class ScheduleFirer implements ManagedController {
  readonly name = 'schedules';
  private readonly book = new ScheduleBook();
  private readonly logger: KubeLogger;
  private readonly now: () => number;
  private running = false;
  private unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private lastBoundary = 0;
  private readonly queue: Tick[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ScheduleFirerOptions) {
    this.logger = options.logger ?? silentKubeLogger;
    this.now = options.now ?? Date.now;
  }

  /** True once the NotebookJob and Job caches are synced. */
  ready(): boolean {
    return this.options.notebookJobs.synced && this.options.jobs.synced;
  }

  /** Number of jobs with a live schedule, for status pages and tests. */
  get scheduledJobs(): number {
    return this.book.size;
  }

  /** Books every cached schedule, starts the missed ticks, and arms the minute timer. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const { notebookJobs } = this.options;
    const rebook = (o: KubernetesObject) => this.rebook(o);
    this.unsubscribe = [
      notebookJobs.on('add', rebook),
      notebookJobs.on('update', rebook),
      notebookJobs.on('delete', (o) => this.book.remove(o.metadata?.name ?? '')),
    ];
    for (const object of notebookJobs.list()) this.rebook(object);
    this.lastBoundary = minuteOf(this.now());
    this.catchUp();
    this.arm();
  }

  /** Stops the timer and the queue; waits for the creates in flight. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.queue.length = 0;
    this.queued.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Handles the boundary the clock is in now, if not yet handled (also a test hook). */
  handleBoundary(): void {
    if (!this.running) return;
    const boundary = minuteOf(this.now());
    if (boundary <= this.lastBoundary) return;
    // The event loop stalled over a boundary: the latest missed tick of each job still starts.
    if (boundary - this.lastBoundary > 60_000) this.catchUp();
    else for (const name of this.book.dueAt(new Date(boundary))) this.enqueue(name, new Date(boundary));
    this.lastBoundary = boundary;
  }

  private rebook(object: KubernetesObject): void {
    const name = object.metadata?.name;
    if (!name) return;
    const { spec } = object as unknown as Partial<NotebookJob>;
    const live = spec?.schedule && !spec.suspend && !object.metadata?.deletionTimestamp;
    try {
      this.book.set(name, live ? spec.schedule : undefined);
    } catch (err) {
      this.logger.warn({ job: name, err: String(err) }, 'cannot schedule job: bad cron expression');
    }
  }

  private arm(): void {
    if (!this.running) return;
    const next = minuteOf(this.now()) + 60_000;
    // A few ms past the boundary, so the clock reads the new minute.
    this.timer = setTimeout(
      () => {
        this.handleBoundary();
        this.arm();
      },
      Math.max(0, next - this.now()) + 5,
    );
    this.timer.unref?.();
  }

  /** Each booked job's latest tick of the last `catchUpSeconds`, if it has no run and the job existed then. */
  private catchUp(): void {
    const now = this.now();
    const horizon = now - (this.options.catchUpSeconds ?? 300) * 1000;
    for (const name of [...this.book.names()]) {
      const tick = this.book.latestTick(name, new Date(now));
      if (!tick || tick.getTime() < horizon) continue;
      const created = Date.parse(String(this.options.notebookJobs.get(name)?.metadata?.creationTimestamp));
      if (!(created <= tick.getTime())) continue;
      this.enqueue(name, tick);
    }
  }

  private enqueue(name: string, at: Date): void {
    const id = scheduledRunId(name, at);
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push({ name, at });
    this.pump();
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 16;
    while (this.running && this.inFlight.size < limit && this.queue.length > 0) {
      const tick = this.queue.shift() as Tick;
      const work = this.fire(tick).finally(() => {
        this.inFlight.delete(work);
        this.queued.delete(scheduledRunId(tick.name, tick.at));
        this.pump();
      });
      this.inFlight.add(work);
    }
  }

  /** One tick of one job: the concurrency policy, then the run, retried while the API server refuses. */
  private async fire({ name, at }: Tick): Promise<void> {
    const attempts = this.options.attempts ?? 4;
    for (let attempt = 1; this.running; attempt++) {
      try {
        await this.fireOnce(name, at);
        return;
      } catch (err) {
        if (attempt >= attempts) {
          this.logger.warn(
            { job: name, tick: at.toISOString(), err: String(err) },
            'scheduled run not started',
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  private async fireOnce(name: string, at: Date): Promise<void> {
    const object = this.options.notebookJobs.get(name);
    if (!object || object.metadata?.deletionTimestamp) return;
    const job = asNotebookJob(object);
    if (!job.spec.schedule || job.spec.suspend) return;
    const runId = scheduledRunId(name, at);
    const runs = this.options.runsOf(name);
    if (runs.some((run) => run.id === runId)) return;
    const active = runs.filter((run) => !isTerminal(run.state));
    const decision = tickDecision(job.spec.concurrency, active.length);
    if (decision === 'skip') {
      this.logger.info({ job: name, tick: at.toISOString(), active: active.length }, 'tick skipped (forbid)');
      return;
    }
    if (decision === 'replace') await Promise.all(active.map((run) => this.options.cancelRun(run.id)));
    await this.options.startRun(job, runId);
    this.options.onStarted?.(at, Math.max(0, this.now() - at.getTime()) / 1000);
  }
}

function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}
