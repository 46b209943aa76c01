import type { NotebookJob, RunTokenClaims, RunTokens } from '../model.js';
import { runTokenSubject } from '../run-token.js';
import { isKubeError, serverSideApply } from '../../k8s/index.js';
import { RUNNER_TOKEN_KEY, runnerSecretManifest, runnerSecretName } from './batch-manifests.js';
import type { JobsKubeApi } from './jobs-kube-api.js';

/*
 * Why one rotated job token rather than per-run tokens: CronJob pods are
 * created by the CronJob controller from a fixed template, so they can only
 * read a Secret whose name is known in advance; hub-proxy never sees a
 * scheduled run before its pod starts. So every run of a job reads the
 * job's one token at container start, and that token is kept short-lived
 * instead: it lives one run window (the job's timeout plus an upload grace)
 * plus two renewal periods, and the controller replaces it once less than
 * a run window plus one period is left. A pod starting at any moment thus
 * holds a token that outlives its run (timeouts count from the Job's start,
 * which is never after the pod's), even if the controller is away for up to
 * one period; a replaced token simply expires on its own.
 */

/** A run's uploads may come after its deadline: on SIGTERM the runner still uploads what it has. */
export const RUNNER_TOKEN_GRACE_SECONDS = 600;
/** How long a job's token is handed out before it is replaced (see the note above). */
export const RUNNER_TOKEN_RENEW_SECONDS = 3600;
/** Clock skew between replicas tolerated before a stored token counts as living too long. */
const CLOCK_SKEW_SECONDS = 300;

/** Seconds a run of `job` may need its token: the timeout plus the upload grace. */
function runWindowSeconds(job: NotebookJob): number {
  return job.spec.timeoutSeconds + RUNNER_TOKEN_GRACE_SECONDS;
}

/** Lifetime of a fresh job token: one run window plus two renewal periods. */
export function runnerTokenTtlSeconds(job: NotebookJob): number {
  return runWindowSeconds(job) + 2 * RUNNER_TOKEN_RENEW_SECONDS;
}

/** What {@link ensureRunnerSecret} did, and when the token must be looked at again. */
export interface RunnerSecretState {
  /** Whether a new token was written. */
  wrote: boolean;
  /** Epoch milliseconds from which the stored token is too short for a run starting then. */
  renewAt: number;
}

/** The token stored in a runner Secret, if it holds one. */
function storedToken(data: Record<string, string> | undefined): string | undefined {
  const encoded = data?.[RUNNER_TOKEN_KEY];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

/** Whether stored `claims` may stay: this very object, job-scoped, neither too short nor too long. */
function stillGood(claims: RunTokenClaims | undefined, job: NotebookJob, nowSeconds: number): boolean {
  if (!claims || claims.run !== undefined) return false;
  const subject = runTokenSubject(job);
  if (claims.job !== subject.job || claims.uid !== subject.uid || claims.owner !== subject.owner)
    return false;
  const left = claims.exp - nowSeconds;
  return (
    left > runWindowSeconds(job) + RUNNER_TOKEN_RENEW_SECONDS &&
    left <= runnerTokenTtlSeconds(job) + CLOCK_SKEW_SECONDS
  );
}

/** Options of {@link ensureRunnerSecret}. */
export interface EnsureRunnerSecretOptions {
  /**
   * The NotebookJob was never reconciled, so no token bound to its uid is
   * worth keeping: write a new one without reading the Secret first (one
   * request instead of two on the create path). Replacing a token revokes
   * nothing: one a pod already read stays valid until it expires.
   */
  fresh?: boolean;
}

/**
 * Makes sure `job`'s runner Secret exists, is owned by this NotebookJob (by
 * uid) and holds a job-scoped token bound to it (name, uid, owner) that
 * lasts long enough for a run starting now. A good existing token is kept,
 * so running pods and new ones agree; otherwise a fresh one is applied.
 * `job` must have been read from the API (it needs its uid).
 */
export async function ensureRunnerSecret(
  api: Pick<JobsKubeApi, 'clients' | 'secrets'>,
  job: NotebookJob,
  tokens: RunTokens,
  options: EnsureRunnerSecretOptions = {},
): Promise<RunnerSecretState> {
  const subject = runTokenSubject(job);
  const now = Date.now();
  const existing = options.fresh
    ? undefined
    : await api.secrets.get(runnerSecretName(subject.job)).catch((err: unknown) => {
        if (isKubeError(err, 'not-found')) return undefined;
        throw err;
      });
  if (existing) {
    const token = storedToken(existing.data);
    const claims = token ? tokens.verify(token) : undefined;
    const owned = existing.metadata?.ownerReferences?.some((ref) => ref.uid === subject.uid) ?? false;
    if (owned && claims && stillGood(claims, job, now / 1000)) {
      return {
        wrote: false,
        renewAt: (claims.exp - runWindowSeconds(job) - RUNNER_TOKEN_RENEW_SECONDS) * 1000,
      };
    }
  }
  const token = tokens.issue(subject, runnerTokenTtlSeconds(job));
  await serverSideApply(api.clients, runnerSecretManifest(job, token), { force: true });
  return { wrote: true, renewAt: now + RUNNER_TOKEN_RENEW_SECONDS * 1000 };
}
