import { asNotebookJob, isRunJob, KubernetesJobRuntime, runRecordFromJob } from './kubernetes/index.js';
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
 */
export function cachedInventory(runtime: KubernetesJobRuntime): JobInventory {
  const fallback = listingInventory(runtime);
  return {
    snapshot() {
      const { notebookJobs, jobs } = runtime.caches;
      if (!notebookJobs.synced || !jobs.synced) return fallback.snapshot();
      return Promise.resolve({
        jobs: notebookJobs.list().map(asNotebookJob),
        runs: jobs.list().filter(isRunJob).map(runRecordFromJob),
      });
    },
  };
}

/** The cheapest inventory `runtime` offers. */
export function jobInventory(runtime: JobRuntime): JobInventory {
  return runtime instanceof KubernetesJobRuntime ? cachedInventory(runtime) : listingInventory(runtime);
}
