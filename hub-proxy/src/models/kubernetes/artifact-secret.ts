import type { ModelArtifactClaims, ModelArtifactTokens } from '../model-artifact-token.js';
import { MAX_TOKEN_VERSIONS } from '../model-artifact-token.js';
import type { ModelServer } from '../model-server-schema.js';
import { isKubeError, serverSideApply } from '../../k8s/index.js';
import { ARTIFACT_TOKEN_KEY } from './deployment-manifest.js';
import { wantedVersions } from './model-server-resource.js';
import type { ModelsKubeApi } from './models-kube-api.js';
import { artifactSecretName } from './object-names.js';
import { artifactSecretManifest } from './serving-manifests.js';

/*
 * Why one rotated token per model: pods are made by the ReplicaSet
 * controller from a fixed template, at any time (scale-up, a lost node),
 * so their init container can only read a Secret whose name is known in
 * advance. The token is therefore short-lived instead: it lives one fetch
 * window plus two renewal periods, and the controller replaces it once less
 * than a window plus one period is left, so a pod starting at any moment
 * holds a token that outlives its download even if the controller is away
 * for up to one period. It names the versions being served and the ones
 * served before the last traffic change, so a pod of the previous template
 * that restarts during a rollout can still fetch its versions.
 */

/** How long an init container may take from start to its last download. */
export const ARTIFACT_FETCH_WINDOW_SECONDS = 3600;
/** How long a token is handed out before it is replaced. */
export const ARTIFACT_TOKEN_RENEW_SECONDS = 3600;
/** Lifetime of a fresh token. */
export const ARTIFACT_TOKEN_TTL_SECONDS = ARTIFACT_FETCH_WINDOW_SECONDS + 2 * ARTIFACT_TOKEN_RENEW_SECONDS;
/** Clock skew between replicas tolerated before a stored token counts as living too long. */
const CLOCK_SKEW_SECONDS = 300;

/** The claims a ModelServer's token must carry now, without `exp`. */
export function artifactTokenSubject(server: ModelServer): Omit<ModelArtifactClaims, 'exp'> {
  const { uid } = server.metadata;
  if (!uid) throw new Error(`ModelServer ${server.metadata.name ?? '?'} has no uid (read it from the API)`);
  const versions = new Set(wantedVersions(server.spec));
  if (server.spec.previousTraffic)
    for (const v of wantedVersions({ traffic: server.spec.previousTraffic })) versions.add(v);
  return {
    model: server.spec.name,
    uid,
    owner: server.spec.owner,
    versions: [...versions].sort((a, b) => a - b).slice(0, MAX_TOKEN_VERSIONS),
  };
}

function sameSubject(claims: ModelArtifactClaims, subject: Omit<ModelArtifactClaims, 'exp'>): boolean {
  return (
    claims.model === subject.model &&
    claims.uid === subject.uid &&
    claims.owner === subject.owner &&
    claims.versions.join(',') === subject.versions.join(',')
  );
}

/** What {@link ensureArtifactSecret} did, and when to look at the token again. */
export interface ArtifactSecretState {
  wrote: boolean;
  /** Epoch milliseconds from which the stored token is too short for a pod starting then. */
  renewAt: number;
}

/**
 * Makes sure the model's artifact Secret exists, is owned by this
 * ModelServer and holds a token for exactly its current subject that lasts
 * long enough for a pod starting now. A good token is kept; otherwise a
 * fresh one is applied. The server must have been read from the API (uid).
 */
export async function ensureArtifactSecret(
  api: Pick<ModelsKubeApi, 'clients' | 'secrets'>,
  server: ModelServer,
  tokens: ModelArtifactTokens,
  now: number = Date.now(),
): Promise<ArtifactSecretState> {
  const subject = artifactTokenSubject(server);
  const existing = await api.secrets.get(artifactSecretName(subject.model)).catch((err: unknown) => {
    if (isKubeError(err, 'not-found')) return undefined;
    throw err;
  });
  const encoded = existing?.data?.[ARTIFACT_TOKEN_KEY];
  const claims = encoded ? tokens.verify(Buffer.from(encoded, 'base64').toString('utf8')) : undefined;
  const owned = existing?.metadata?.ownerReferences?.some((ref) => ref.uid === subject.uid) ?? false;
  if (owned && claims && sameSubject(claims, subject)) {
    const left = claims.exp - now / 1000;
    if (
      left > ARTIFACT_FETCH_WINDOW_SECONDS + ARTIFACT_TOKEN_RENEW_SECONDS &&
      left <= ARTIFACT_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS
    ) {
      return {
        wrote: false,
        renewAt: (claims.exp - ARTIFACT_FETCH_WINDOW_SECONDS - ARTIFACT_TOKEN_RENEW_SECONDS) * 1000,
      };
    }
  }
  const token = tokens.mint({ ...subject, exp: Math.floor(now / 1000) + ARTIFACT_TOKEN_TTL_SECONDS });
  await serverSideApply(api.clients, artifactSecretManifest(server, token), { force: true });
  return { wrote: true, renewAt: now + ARTIFACT_TOKEN_RENEW_SECONDS * 1000 };
}
