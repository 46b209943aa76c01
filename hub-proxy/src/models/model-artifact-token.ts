import { MIN_SIGNING_SECRET_LENGTH, SignedClaims } from '../auth/signed-claims.js';

/**
 * Tokens that let a serving pod's init container download the files of a
 * few versions of one model from the artifact store, through hub-proxy,
 * and nothing else. Format `tma1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`;
 * the MAC covers `tma1.<claims>`, so a run token (`trt2.`) signed with the
 * same secret never verifies here. Nothing is stored: every replica holding
 * the secret accepts the others' tokens. Verifying proves only that
 * hub-proxy minted the claims; the artifact endpoint still checks them
 * against the model as it is now (its uid and owner).
 */

/** What a model-artifact token allows. */
export interface ModelArtifactClaims {
  /** The model name (not the object name). */
  model: string;
  /** uid of the ModelServer object: a deleted and recreated model does not accept old tokens. */
  uid: string;
  /** The owner's hub user name. */
  owner: string;
  /** Versions whose files may be read. */
  versions: number[];
  /** Expiry, epoch seconds. */
  exp: number;
}

/** Mints and verifies {@link ModelArtifactClaims} tokens. */
export interface ModelArtifactTokens {
  /** A token for `claims`; `claims.exp` must lie in the future. */
  mint(claims: ModelArtifactClaims): string;
  /** The claims of a genuine, unexpired token; undefined for anything else. Never throws. */
  verify(token: string): ModelArtifactClaims | undefined;
}

/** Shortest accepted signing secret. */
export const MIN_MODEL_ARTIFACT_SECRET_LENGTH = MIN_SIGNING_SECRET_LENGTH;
/** A token names at most this many versions (a pod serves two; a rollout adds the previous two). */
export const MAX_TOKEN_VERSIONS = 16;

function validVersions(versions: unknown): versions is number[] {
  return (
    Array.isArray(versions) &&
    versions.length > 0 &&
    versions.length <= MAX_TOKEN_VERSIONS &&
    versions.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  );
}

/** HMAC-SHA256 {@link ModelArtifactTokens}. */
export class HmacModelArtifactTokens implements ModelArtifactTokens {
  readonly #tokens: SignedClaims<ModelArtifactClaims>;
  readonly #now: () => number;

  /**
   * @param secret signing key, at least 16 characters.
   * @param now clock in milliseconds, for tests.
   */
  constructor(secret: string, now: () => number = Date.now) {
    this.#tokens = new SignedClaims(
      secret,
      { prefix: 'tma1', kind: 'model artifact token', maxLength: 2048, parse: parseClaims },
      now,
    );
    this.#now = now;
  }

  mint(claims: ModelArtifactClaims): string {
    if (!claims.model || !claims.uid)
      throw new RangeError('A model artifact token names a model and its uid.');
    if (!validVersions(claims.versions)) {
      throw new RangeError(`A model artifact token names 1 to ${MAX_TOKEN_VERSIONS} integer versions.`);
    }
    if (!Number.isInteger(claims.exp) || claims.exp * 1000 <= this.#now()) {
      throw new RangeError('A model artifact token needs a whole-second expiry in the future.');
    }
    // Fixed key order: the payload is these claims serialised as they stand.
    return this.#tokens.sign({
      model: claims.model,
      uid: claims.uid,
      owner: claims.owner,
      versions: [...new Set(claims.versions)].sort((a, b) => a - b),
      exp: claims.exp,
    });
  }

  verify(token: string): ModelArtifactClaims | undefined {
    return this.#tokens.verify(token);
  }
}

/** Claims from a decoded token payload (its `exp` checked), if they have the right shape. */
function parseClaims(fields: Record<string, unknown> & { exp: number }): ModelArtifactClaims | undefined {
  const { model, uid, owner, versions, exp } = fields;
  if (typeof model !== 'string' || model === '') return undefined;
  if (typeof uid !== 'string' || uid === '') return undefined;
  if (typeof owner !== 'string') return undefined;
  if (!validVersions(versions)) return undefined;
  return { model, uid, owner, versions: [...versions], exp };
}

/**
 * Whether verified `claims` allow reading `version` of the model as it is
 * now: same name, same object (uid) and same owner.
 */
export function artifactClaimsAllow(
  claims: ModelArtifactClaims,
  model: { name: string; uid: string; owner: string },
  version: number,
): boolean {
  return (
    claims.model === model.name &&
    claims.uid === model.uid &&
    claims.owner === model.owner &&
    claims.versions.includes(version)
  );
}
