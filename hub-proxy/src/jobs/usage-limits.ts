import { formatBytes } from '../artifacts/index.js';
import type { GpuHolder, GpuQuota } from '../environments/index.js';
import { QuotaExceeded, TooLarge } from '../errors/index.js';
import { assertWithinQuota, type QuotaKey, type QuotaRequest } from '../quotas/index.js';
import type { JobLimitsSettings } from './limits-config.js';
import { isTerminal, type JobRuntime, type NotebookJob, type RunRecord } from './model.js';
import { ownedJobsOf } from './owned-jobs.js';

const WINDOW_MS = 60_000;

/**
 * Run-now calls per owner in a sliding 60 s window. The window lives in
 * this process, so with N replicas an owner may make up to N times the
 * limit (the other limits are counted from the cluster and hold across
 * replicas).
 */
export class RunNowRate {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts a call by `owner`, or throws QuotaExceeded (429 `runNowPerMinute`,
   * with Retry-After) when the last 60 s hold `perMinute` calls already.
   */
  take(owner: string): void {
    const now = this.now();
    const recent = (this.calls.get(owner) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length >= this.perMinute) {
      this.calls.set(owner, recent);
      const oldest = recent[0] ?? now;
      throw new QuotaExceeded(
        'runNowPerMinute',
        this.perMinute,
        recent.length,
        `You started ${recent.length} runs in the last minute, the most one user may (runNowPerMinute); ` +
          'try again shortly.',
        Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)),
      );
    }
    recent.push(now);
    this.calls.set(owner, recent);
    if (this.calls.size > 10_000) this.forgetIdle(now);
  }

  /** Drops owners with no call in the window, so the map stays as small as the active users. */
  private forgetIdle(now: number): void {
    for (const [owner, calls] of this.calls) {
      if (calls.every((at) => at <= now - WINDOW_MS)) this.calls.delete(owner);
    }
  }
}

/** What one owner holds now, from the runtime's own listings. */
export interface OwnerActivity {
  jobs: NotebookJob[];
  /** Queued and running runs of those jobs. */
  activeRuns: RunRecord[];
  /** GPUs those runs hold (each run holds its job's `resources.gpus`). */
  activeRunGpus: number;
}

/**
 * The owner's jobs and their unfinished runs, read from the runtime (on
 * Kubernetes: the NotebookJob and Jobs informer caches through their
 * indexes; locally: the state files), never from a counter of our own that
 * could drift.
 */
export async function activityOf(runtime: JobRuntime, owner: string): Promise<OwnerActivity> {
  const jobs = await ownedJobsOf(runtime, owner);
  const activeRuns: RunRecord[] = [];
  let activeRunGpus = 0;
  for (const job of jobs) {
    const active = (await runtime.listRuns(job.metadata.name ?? '')).filter((run) => !isTerminal(run.state));
    activeRuns.push(...active);
    activeRunGpus += active.length * job.spec.resources.gpus;
  }
  return { jobs, activeRuns, activeRunGpus };
}

/** The quotas the jobs API checks: the quotas feature's policy, or fixed limits. */
export interface JobQuotas {
  /** Refuses (QuotaExceeded) when `used` plus what the request adds is over the owner's `key`. */
  assertWithin(
    owner: string,
    key: Extract<QuotaKey, 'concurrentRuns' | 'scheduledJobs'>,
    used: number,
    request?: QuotaRequest,
  ): Promise<void>;
}

/** The seed's built-in limits, for a JobUsageLimits built without the quotas feature (tests). */
export function fixedJobQuotas(limits: { concurrentRuns: number; scheduledJobs: number }): JobQuotas {
  return {
    assertWithin: (_owner, key, used, request) => {
      assertWithinQuota(key, limits[key], used, request);
      return Promise.resolve();
    },
  };
}

/** Settings and collaborators of {@link JobUsageLimits}. */
export interface JobUsageLimitsOptions {
  limits: JobLimitsSettings;
  runtime: JobRuntime;
  /** The per-user GPU quota (environments); absent: GPUs are not checked. */
  gpuQuota?: GpuQuota;
  /** The `concurrentRuns` and `scheduledJobs` quotas; default 10 and 50 for everyone. */
  quotas?: JobQuotas;
  /** The clock of the run-now window (tests). */
  now?: () => number;
}

/**
 * What one user may consume through the jobs API, checked against the
 * job's owner whoever calls. The quotas (quotas feature): `concurrentRuns`
 * (429 with Retry-After), `scheduledJobs` and `gpus` (403); the fixed
 * limits (`limits-config.ts`): jobs per user and the run-now rate (429
 * `quota-exceeded` naming the limit), parameter size (413).
 */
export class JobUsageLimits {
  readonly limits: JobLimitsSettings;
  private readonly rate: RunNowRate;
  private readonly quotas: JobQuotas;

  constructor(private readonly options: JobUsageLimitsOptions) {
    this.limits = options.limits;
    this.rate = new RunNowRate(options.limits.runNowPerMinute, options.now);
    this.quotas = options.quotas ?? fixedJobQuotas({ concurrentRuns: 10, scheduledJobs: 50 });
  }

  /** Refuses parameters whose JSON is over `maxParametersBytes` (413). */
  checkParameters(parameters: Record<string, unknown> | undefined): void {
    if (!parameters) return;
    const bytes = Buffer.byteLength(JSON.stringify(parameters));
    const max = this.limits.maxParametersBytes;
    if (bytes > max) {
      throw new TooLarge(
        `The parameters are ${formatBytes(bytes)} as JSON; the limit (maxParametersBytes) is ${formatBytes(max)}. ` +
          'Pass large inputs as files or URLs instead.',
        { code: 'parameters-too-large', title: 'Parameters Too Large' },
      );
    }
  }

  /** Refuses a new job when the owner has `jobsPerUser` already (429). */
  checkJobCount(owned: number): void {
    const max = this.limits.jobsPerUser;
    if (owned >= max) {
      throw new QuotaExceeded(
        'jobsPerUser',
        max,
        owned,
        `You have ${owned} jobs, the most one user may have (jobsPerUser); delete one first.`,
      );
    }
  }

  /**
   * Refuses a job that asks for more GPUs than the owner's whole `gpus`
   * quota: it could never run (403 `gpu-quota-exceeded`).
   */
  async checkJobGpus(owner: string, gpus: number): Promise<void> {
    const quota = this.options.gpuQuota;
    if (!quota || gpus <= 0) return;
    const max = await quota.maxGpus(owner);
    if (gpus > max) {
      throw new QuotaExceeded(
        'gpus',
        max,
        0,
        `This job asks for ${gpus} GPUs, more than your GPU quota of ${max}; it could never run. Ask for fewer GPUs.`,
        undefined,
        { persistence: 'permanent', code: 'gpu-quota-exceeded', title: 'GPU Quota Exceeded' },
      );
    }
  }

  /**
   * Refuses giving `owner` one more scheduled job (a create with a
   * schedule, or an edit adding one to a job without) past their
   * `scheduledJobs` quota (403). `owned`: the owner's jobs, when the caller
   * has just listed them (else they are listed here).
   */
  async checkScheduledJobs(owner: string, owned?: NotebookJob[]): Promise<void> {
    const jobs = owned ?? (await ownedJobsOf(this.options.runtime, owner));
    const scheduled = jobs.filter((job) => job.spec.schedule !== undefined).length;
    await this.quotas.assertWithin(owner, 'scheduledJobs', scheduled);
  }

  /** The owner's jobs with a schedule, for the quotas' usage view. */
  async scheduledJobsOf(owner: string): Promise<number> {
    const jobs = await ownedJobsOf(this.options.runtime, owner);
    return jobs.filter((job) => job.spec.schedule !== undefined).length;
  }

  /**
   * Admits a run-now of `job` for its owner: the parameters' size, the
   * run-now rate, the `concurrentRuns` quota (queued plus running runs of
   * all their jobs), and the GPU quota (the owner's servers, active runs,
   * model replicas and this run together).
   */
  async admitRunNow(
    owner: string,
    job: NotebookJob,
    parameters: Record<string, unknown> | undefined,
  ): Promise<void> {
    this.checkParameters(parameters);
    this.rate.take(owner);
    const activity = await activityOf(this.options.runtime, owner);
    await this.quotas.assertWithin(owner, 'concurrentRuns', activity.activeRuns.length);
    await this.options.gpuQuota?.assertWithin(owner, { gpus: job.spec.resources.gpus, for: 'this run' });
  }

  /** Active runs as a holder of the GPU quota, so server starts count them too. */
  gpuHolder(): GpuHolder {
    return {
      label: 'job runs',
      remedy: 'cancel a run',
      gpusHeldBy: async (user) => (await activityOf(this.options.runtime, user)).activeRunGpus,
    };
  }
}
