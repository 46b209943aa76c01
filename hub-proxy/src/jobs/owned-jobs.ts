import { isOwner, ownerLabelValue, ownerSelector } from '../ownership/ownership.js';
import type { OwnedObjectIndex } from '../ownership/owned-objects.js';
import type { JobRuntime, NotebookJob } from './model.js';

/**
 * Every NotebookJob of `owner`, from the runtime's store (on Kubernetes the
 * API server), page by page. The owner label is a hashed slug for some
 * names, which two users can share, so each job's full owner annotation is
 * checked too.
 */
export async function listOwnedJobs(
  definitions: JobRuntime['definitions'],
  owner: string,
): Promise<NotebookJob[]> {
  const jobs: NotebookJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await definitions.list({
      labelSelector: ownerSelector(owner),
      ...(cursor ? { continue: cursor } : {}),
    });
    jobs.push(...page.items.filter((job) => isOwner({ name: owner }, job.metadata)));
    cursor = page.continue;
  } while (cursor);
  return jobs;
}

/** A runtime that keeps its NotebookJobs in memory too (Kubernetes: the informer cache). */
export interface IndexedJobRuntime {
  /** The NotebookJobs by owner label, in name order, while the cache is synced. */
  readonly definitionIndex: OwnedObjectIndex<NotebookJob>;
}

/** The in-memory index the jobs API lists from, when the runtime keeps one. */
export function definitionIndexOf(runtime: JobRuntime): OwnedObjectIndex<NotebookJob> | undefined {
  return (runtime as Partial<IndexedJobRuntime>).definitionIndex;
}

/** Options of {@link ownedJobsOf}. */
export interface OwnedJobsOptions {
  /**
   * Read the store even where a synced cache could answer, so that every
   * write acknowledged before the call is seen (a cache lags by the watch's
   * few milliseconds). For answers whose "no" must be true: a dependency
   * that must exist or must not close a cycle, a refusal to confirm.
   */
  consistent?: boolean;
}

/**
 * Every NotebookJob of `owner`: from the runtime's synced index when it has
 * one (no request; the cost is the owner's jobs, not everyone's), else
 * {@link listOwnedJobs}. Indexed jobs are the cache's own objects: read them,
 * do not change them.
 */
export async function ownedJobsOf(
  runtime: JobRuntime,
  owner: string,
  options: OwnedJobsOptions = {},
): Promise<NotebookJob[]> {
  const index = definitionIndexOf(runtime);
  if (options.consistent || !index?.ready()) return listOwnedJobs(runtime.definitions, owner);
  const jobs: NotebookJob[] = [];
  for (const job of index.after(ownerLabelValue(owner), undefined)) {
    if (isOwner({ name: owner }, job.metadata)) jobs.push(job);
  }
  return jobs;
}
