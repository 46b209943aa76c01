import type { Contents } from '@jupyterlab/services';
import type { Job, NotebookContent } from '@turing/client';
import { useEffect, useRef, useState } from 'react';

import { inputDigestCandidates } from './notebook-digest';
import { withoutTransientFields } from './notebook-source';

/**
 * How a job's input snapshot compares with its source notebook now:
 * `same`, `changed` (the file was edited since), `missing` (no such file),
 * or `unknown` (not checked yet, or unreadable).
 */
export type InputStatus = 'same' | 'changed' | 'missing' | 'unknown';

interface CachedDigest {
  lastModified: string;
  /** Digests the job's may equal (see {@link inputDigestCandidates}). */
  digests: string[];
}

/**
 * The digests of the file at `path`, re-read only when its modification time
 * changed: the normalised one, and the old forms jobs created before
 * normalisation carry (see {@link inputDigestCandidates}).
 */
async function fileDigests(
  contents: Contents.IManager,
  path: string,
  cache: Map<string, CachedDigest>,
): Promise<string[] | null> {
  const stat = await contents.get(path, { content: false }).catch(() => null);
  if (!stat) {
    return null;
  }
  const cached = cache.get(path);
  if (cached && cached.lastModified === stat.last_modified) {
    return cached.digests;
  }
  const model = await contents.get(path, { type: 'notebook', content: true });
  const digests = await inputDigestCandidates(model.content, (nb) =>
    withoutTransientFields(nb as NotebookContent),
  );
  cache.set(path, { lastModified: model.last_modified, digests });
  return digests;
}

/**
 * Compares every job's input digest with its source notebook's current
 * digest (computed the way hub-proxy does), each time the job list changes.
 */
export function useInputStatus(
  contents: Contents.IManager,
  jobs: readonly Job[] | null,
): Record<string, InputStatus> {
  const [status, setStatus] = useState<Record<string, InputStatus>>({});
  const cache = useRef(new Map<string, CachedDigest>());
  useEffect(() => {
    if (!jobs) {
      return;
    }
    let live = true;
    void (async () => {
      const next: Record<string, InputStatus> = {};
      // One at a time: a user may have many jobs, and each check is a request.
      for (const job of jobs) {
        try {
          const digests = await fileDigests(contents, job.notebook.path, cache.current);
          next[job.name] = !digests ? 'missing' : digests.includes(job.notebook.digest) ? 'same' : 'changed';
        } catch {
          next[job.name] = 'unknown';
        }
        if (!live) {
          return;
        }
      }
      setStatus(next);
    })();
    return () => {
      live = false;
    };
  }, [contents, jobs]);
  return status;
}
