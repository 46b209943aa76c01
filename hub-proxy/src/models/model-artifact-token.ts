import { createHmac, timingSafeEqual } from 'node:crypto';

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

const TOKEN_VERSION = 'tma1';
/** Shortest accepted signing secret. */
export const MIN_MODEL_ARTIFACT_SECRET_LENGTH = 16;
/** A token names at most this many versions (a pod serves two; a rollout adds the previous two). */
export const MAX_TOKEN_VERSIONS = 16;
/** Longer input is garbage; refusing it early bounds the work `verify` does. */
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

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
  readonly #secret: Buffer;
  readonly #now: () => number;

  /**
   * @param secret signing key, at least 16 characters.
   * @param now clock in milliseconds, for tests.
   */
  constructor(secret: string, now: () => number = Date.now) {
    if (secret.length < MIN_MODEL_ARTIFACT_SECRET_LENGTH) {
      throw new RangeError(
        `The model artifact token secret must be at least ${MIN_MODEL_ARTIFACT_SECRET_LENGTH} characters.`,
      );
    }
    this.#secret = Buffer.from(secret, 'utf8');
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
    const body: ModelArtifactClaims = {
      model: claims.model,
      uid: claims.uid,
      owner: claims.owner,
      versions: [...new Set(claims.versions)].sort((a, b) => a - b),
      exp: claims.exp,
    };
    const unsigned = `${TOKEN_VERSION}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
    return `${unsigned}.${this.#sign(unsigned)}`;
  }

  verify(token: string): ModelArtifactClaims | undefined {
    try {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [version, payload, signature] = parts as [string, string, string];
      if (version !== TOKEN_VERSION || !BASE64URL.test(payload) || !BASE64URL.test(signature))
        return undefined;
      // Compare canonical encodings: the base64 decoder ignores stray characters.
      const expected = Buffer.from(this.#sign(`${version}.${payload}`));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!claims || claims.exp * 1000 <= this.#now()) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  #sign(unsigned: string): string {
    return createHmac('sha256', this.#secret).update(unsigned).digest('base64url');
  }
}

function parseClaims(json: string): ModelArtifactClaims | undefined {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null) return undefined;
  const { model, uid, owner, versions, exp } = value as Record<string, unknown>;
  if (typeof model !== 'string' || model === '') return undefined;
  if (typeof uid !== 'string' || uid === '') return undefined;
  if (typeof owner !== 'string') return undefined;
  if (!validVersions(versions)) return undefined;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) return undefined;
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
