import { isRunJob, KubernetesJobRuntime, runRecordFromJob } from './kubernetes/index.js';
import type { JobRuntime, NotebookJob, RunRecord } from './model.js';

/** Every user's jobs and runs at one moment. */
export interface JobInventorySnapshot {
  jobs: NotebookJob[];
  runs: RunRecord[];
}

/** Reads every user's jobs and runs at once, for the admin listings. */
export interface JobInventory {
  snapshot(): Promise<JobInventorySnapshot>;
}

/**
 * The whole inventory through the runtime's own listings: every NotebookJob
 * page, then each job's runs. On Kubernetes that is one list request per
 * page of NotebookJobs (runs come from the Jobs cache once synced); locally,
 * reads of the state files.
 */
export function listingInventory(runtime: JobRuntime): JobInventory {
  return {
    async snapshot() {
      const jobs: NotebookJob[] = [];
      let cursor: string | undefined;
      do {
        const page = await runtime.definitions.list(cursor ? { continue: cursor } : {});
        jobs.push(...page.items);
        cursor = page.continue;
      } while (cursor);
      const runs = (await Promise.all(jobs.map((job) => runtime.listRuns(job.metadata.name ?? '')))).flat();
      return { jobs, runs };
    },
  };
}

/**
 * The inventory from the Kubernetes runtime's informer caches (NotebookJobs
 * and run Jobs): no apiserver request per call. Until both caches have
 * synced, it reads through {@link listingInventory} instead.
 *
 * At scale (10,000 jobs, 50,000 runs) a snapshot must not copy the caches:
 * the NotebookJobs are the cache's own objects, and each Job's RunRecord is
 * made once and kept for as long as the cache holds that very object (a
 * change replaces it). Both are shared between requests, so the listings
 * only read them.
 */
export function cachedInventory(runtime: KubernetesJobRuntime): JobInventory {
  const fallback = listingInventory(runtime);
  type RunJob = Parameters<typeof runRecordFromJob>[0];
  const records = new WeakMap<RunJob, RunRecord>();
  const recordOf = (job: RunJob): RunRecord => {
    let record = records.get(job);
    if (!record) records.set(job, (record = runRecordFromJob(job)));
    return record;
  };
  return {
    snapshot() {
      const { notebookJobs, jobs } = runtime.caches;
      if (!notebookJobs.synced || !jobs.synced) return fallback.snapshot();
      return Promise.resolve({
        jobs: notebookJobs.list() as unknown as NotebookJob[],
        runs: jobs.list().filter(isRunJob).map(recordOf),
      });
    },
  };
}

/** The cheapest inventory `runtime` offers. */
export function jobInventory(runtime: JobRuntime): JobInventory {
  return runtime instanceof KubernetesJobRuntime ? cachedInventory(runtime) : listingInventory(runtime);
}
