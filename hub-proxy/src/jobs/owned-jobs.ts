import { isOwner, ownerSelector } from '../ownership/ownership.js';
import type { JobRuntime, NotebookJob } from './model.js';

/**
 * Every NotebookJob of `owner`, page by page. The owner label is a hashed
 * slug for some names, which two users can share, so each job's full owner
 * annotation is checked too.
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
