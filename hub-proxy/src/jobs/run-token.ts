import { createHmac, timingSafeEqual } from 'node:crypto';
import { ANNOTATIONS, LABELS } from '../ownership/labels.js';
import type { NotebookJob, RunTokenClaims, RunTokens } from './model.js';

/**
 * Version tag every token starts with, so the format can change later.
 * `trt1` tokens named only the object, so they are refused outright.
 */
const TOKEN_VERSION = 'trt2';
/** Shortest accepted signing secret. */
export const MIN_RUN_TOKEN_SECRET_LENGTH = 16;
/** Longer input is garbage; refusing it early bounds the work `verify` does. */
const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Run tokens as `trt2.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 * The MAC covers `trt2.<claims>`; every replica holding the same secret
 * accepts the others' tokens, and nothing is stored. Verifying proves only
 * that hub-proxy issued the claims; the runner API still checks them against
 * the run and its NotebookJob as they are now.
 */
export class HmacRunTokens implements RunTokens {
  readonly #secret: Buffer;
  readonly #now: () => number;

  /**
   * @param secret signing key, at least 16 characters (e.g. from a Kubernetes Secret).
   * @param now clock in milliseconds, for tests.
   */
  constructor(secret: string, now: () => number = Date.now) {
    if (secret.length < MIN_RUN_TOKEN_SECRET_LENGTH) {
      throw new RangeError(
        `The run token secret must be at least ${MIN_RUN_TOKEN_SECRET_LENGTH} characters.`,
      );
    }
    this.#secret = Buffer.from(secret, 'utf8');
    this.#now = now;
  }

  /** A token for `claims` that expires `ttlSeconds` from now. */
  issue(claims: Omit<RunTokenClaims, 'exp'>, ttlSeconds: number): string {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError('A run token needs a positive lifetime.');
    }
    if (!claims.uid) throw new RangeError('A run token must name the uid of its NotebookJob.');
    const exp = Math.floor(this.#now() / 1000 + ttlSeconds);
    const body: RunTokenClaims = {
      job: claims.job,
      uid: claims.uid,
      owner: claims.owner,
      ...(claims.run === undefined ? {} : { run: claims.run }),
      exp,
    };
    const unsigned = `${TOKEN_VERSION}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
    return `${unsigned}.${this.#sign(unsigned)}`;
  }

  /** The claims of a genuine, unexpired token; undefined for anything else. Never throws. */
  verify(token: string): RunTokenClaims | undefined {
    try {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [version, payload, signature] = parts as [string, string, string];
      if (version !== TOKEN_VERSION || !BASE64URL.test(payload) || !BASE64URL.test(signature))
        return undefined;
      // Compare the canonical encodings: Buffer's base64 decoder ignores stray characters,
      // so comparing decoded bytes would accept several spellings of one signature.
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

/** Claims from JSON, if they have the right shape. */
function parseClaims(json: string): RunTokenClaims | undefined {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null) return undefined;
  const { job, uid, owner, run, exp } = value as Record<string, unknown>;
  if (typeof job !== 'string' || job === '') return undefined;
  if (typeof uid !== 'string' || uid === '') return undefined;
  if (typeof owner !== 'string') return undefined;
  if (run !== undefined && (typeof run !== 'string' || run === '')) return undefined;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) return undefined;
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
