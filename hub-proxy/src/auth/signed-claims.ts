import { createHmac, timingSafeEqual } from 'node:crypto';

/** Shortest accepted signing secret. */
export const MIN_SIGNING_SECRET_LENGTH = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Claims that expire: every signed token does. */
export interface ExpiringClaims {
  /** Expiry, whole seconds since the epoch. */
  exp: number;
}

/** What sets one kind of signed token apart from another. */
export interface SignedClaimsFormat<T extends ExpiringClaims> {
  /**
   * Version tag every token starts with. The MAC covers it, so a token of
   * one kind never verifies as another signed with the same secret.
   */
  prefix: string;
  /** What the token is called in error messages, e.g. `run token`. */
  kind: string;
  /** Longer input is garbage; refusing it early bounds the work `verify` does. */
  maxLength: number;
  /**
   * The claims in a decoded JSON object whose `exp` is already checked, or
   * undefined if the other fields have the wrong shape.
   */
  parse(fields: Record<string, unknown> & ExpiringClaims): T | undefined;
}

/**
 * Stateless tokens `<prefix>.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`,
 * the MAC covering `<prefix>.<claims>`. Nothing is stored: every replica
 * holding the secret accepts the others' tokens. Verifying proves only that
 * hub-proxy signed the claims; callers still check them against the world
 * as it is now.
 */
export class SignedClaims<T extends ExpiringClaims> {
  readonly #secret: Buffer;
  readonly #format: SignedClaimsFormat<T>;
  readonly #now: () => number;

  /**
   * @param secret signing key, at least {@link MIN_SIGNING_SECRET_LENGTH} characters.
   * @param format the token's prefix, length bound and claim parser.
   * @param now clock in milliseconds, for tests.
   */
  constructor(secret: string, format: SignedClaimsFormat<T>, now: () => number = Date.now) {
    if (secret.length < MIN_SIGNING_SECRET_LENGTH) {
      throw new RangeError(
        `The ${format.kind} secret must be at least ${MIN_SIGNING_SECRET_LENGTH} characters.`,
      );
    }
    this.#secret = Buffer.from(secret, 'utf8');
    this.#format = format;
    this.#now = now;
  }

  /**
   * A token for `claims`, serialised as given: callers build them with a
   * fixed key order so that equal claims give byte-identical tokens.
   */
  sign(claims: T): string {
    const unsigned = `${this.#format.prefix}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${unsigned}.${this.#mac(unsigned)}`;
  }

  /** The claims of a genuine, unexpired token; undefined for anything else. Never throws. */
  verify(token: string): T | undefined {
    try {
      if (typeof token !== 'string' || token.length > this.#format.maxLength) return undefined;
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [prefix, payload, signature] = parts as [string, string, string];
      if (prefix !== this.#format.prefix || !BASE64URL.test(payload) || !BASE64URL.test(signature))
        return undefined;
      // Compare the canonical encodings: Buffer's base64 decoder ignores stray characters,
      // so comparing decoded bytes would accept several spellings of one signature.
      const expected = Buffer.from(this.#mac(`${prefix}.${payload}`));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (typeof fields !== 'object' || fields === null) return undefined;
      const { exp } = fields as Record<string, unknown>;
      if (typeof exp !== 'number' || !Number.isInteger(exp) || exp * 1000 <= this.#now()) return undefined;
      return this.#format.parse(fields as Record<string, unknown> & ExpiringClaims);
    } catch {
      return undefined;
    }
  }

  #mac(unsigned: string): string {
    return createHmac('sha256', this.#secret).update(unsigned).digest('base64url');
  }
}
