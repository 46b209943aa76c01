import { MIN_SIGNING_SECRET_LENGTH, SignedClaims } from '../auth/signed-claims.js';
import { ANNOTATIONS, LABELS } from '../ownership/labels.js';
import type { NotebookJob, RunTokenClaims, RunTokens } from './model.js';

/** Shortest accepted signing secret. */
export const MIN_RUN_TOKEN_SECRET_LENGTH = MIN_SIGNING_SECRET_LENGTH;

/**
 * Run tokens as `trt2.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 * The MAC covers `trt2.<claims>`; every replica holding the same secret
 * accepts the others' tokens, and nothing is stored. Verifying proves only
 * that hub-proxy issued the claims; the runner API still checks them against
 * the run and its NotebookJob as they are now.
 */
export class HmacRunTokens implements RunTokens {
  readonly #tokens: SignedClaims<RunTokenClaims>;
  readonly #now: () => number;

  /**
   * @param secret signing key, at least 16 characters (e.g. from a Kubernetes Secret).
   * @param now clock in milliseconds, for tests.
   */
  constructor(secret: string, now: () => number = Date.now) {
    this.#tokens = new SignedClaims(
      secret,
      {
        // The version tag lets the format change later; `trt1` tokens named
        // only the object, so they are refused outright.
        prefix: 'trt2',
        kind: 'run token',
        maxLength: 4096,
        parse: parseClaims,
      },
      now,
    );
    this.#now = now;
  }

  /** A token for `claims` that expires `ttlSeconds` from now. */
  issue(claims: Omit<RunTokenClaims, 'exp'>, ttlSeconds: number): string {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError('A run token needs a positive lifetime.');
    }
    if (!claims.uid) throw new RangeError('A run token must name the uid of its NotebookJob.');
    const exp = Math.floor(this.#now() / 1000 + ttlSeconds);
    // Fixed key order: the payload is these claims serialised as they stand.
    return this.#tokens.sign({
      job: claims.job,
      uid: claims.uid,
      owner: claims.owner,
      ...(claims.run === undefined ? {} : { run: claims.run }),
      exp,
    });
  }

  /** The claims of a genuine, unexpired token; undefined for anything else. Never throws. */
  verify(token: string): RunTokenClaims | undefined {
    return this.#tokens.verify(token);
  }
}

/** Claims from a decoded token payload (its `exp` checked), if they have the right shape. */
function parseClaims(fields: Record<string, unknown> & { exp: number }): RunTokenClaims | undefined {
  const { job, uid, owner, run, exp } = fields;
  if (typeof job !== 'string' || job === '') return undefined;
  if (typeof uid !== 'string' || uid === '') return undefined;
  if (typeof owner !== 'string') return undefined;
  if (run !== undefined && (typeof run !== 'string' || run === '')) return undefined;
  return { job, uid, owner, ...(run === undefined ? {} : { run }), exp };
}

/**
 * The claims naming `job` in its run tokens: object name, uid and owner
 * (the raw name annotation, else the owner label, as run records read it).
 * The job must have been read from its store: without a uid a token could
 * outlive the object.
 */
export function runTokenSubject(
  job: Pick<NotebookJob, 'metadata'>,
): Pick<RunTokenClaims, 'job' | 'uid' | 'owner'> {
  const { name, uid, annotations, labels } = job.metadata;
  if (!name || !uid) {
    throw new Error(`NotebookJob ${name ?? '?'} has no name or uid (read it from its store first)`);
  }
  return { job: name, uid, owner: annotations?.[ANNOTATIONS.ownerName] ?? labels?.[LABELS.owner] ?? '' };
}
