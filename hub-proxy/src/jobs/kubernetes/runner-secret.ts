import type { NotebookJob, RunTokens } from '../model.js';
import { isKubeError, serverSideApply } from '../../k8s/index.js';
import { RUNNER_TOKEN_KEY, runnerSecretManifest, runnerSecretName } from './batch-manifests.js';
import type { JobsKubeApi } from './jobs-kube-api.js';

/** Runner tokens outlive any job; the runner API still checks the job exists and owns the run. */
export const RUNNER_TOKEN_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** The token stored in a runner Secret, if it holds one. */
function storedToken(data: Record<string, string> | undefined): string | undefined {
  const encoded = data?.[RUNNER_TOKEN_KEY];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

/**
 * Makes sure `job`'s runner Secret exists, is owned by this NotebookJob (by
 * uid) and holds a valid job-scoped token. A good existing token is kept, so
 * running pods and new ones agree; otherwise a fresh one is applied.
 * Returns whether it wrote.
 */
export async function ensureRunnerSecret(
  api: Pick<JobsKubeApi, 'clients' | 'secrets'>,
  job: NotebookJob,
  tokens: RunTokens,
): Promise<boolean> {
  const objectName = job.metadata.name ?? '';
  const existing = await api.secrets.get(runnerSecretName(objectName)).catch((err: unknown) => {
    if (isKubeError(err, 'not-found')) return undefined;
    throw err;
  });
  if (existing) {
    const token = storedToken(existing.data);
    const claims = token ? tokens.verify(token) : undefined;
    const owned = existing.metadata?.ownerReferences?.some((ref) => ref.uid === job.metadata.uid) ?? false;
    if (owned && claims?.job === objectName && claims.run === undefined) return false;
  }
  const token = tokens.issue({ job: objectName }, RUNNER_TOKEN_TTL_SECONDS);
  await serverSideApply(api.clients, runnerSecretManifest(job, token), { force: true });
  return true;
}
