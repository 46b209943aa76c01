import { timingSafeEqual } from 'node:crypto';

/** Non-HttpOnly cookie the frontend reads and echoes in {@link XSRF_HEADER}. */
export const XSRF_COOKIE = 'turing-xsrf';
/** Request header that must equal the {@link XSRF_COOKIE} value on cookie-authenticated writes. */
export const XSRF_HEADER = 'X-XSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the CSRF rule looks at. */
export interface CsrfInput {
  method: string;
  /** How the request authenticated. */
  via: 'token' | 'cookie';
  cookieValue: string | undefined;
  headerValue: string | undefined;
}

/**
 * Double-submit rule: a cookie-authenticated request that is not
 * GET/HEAD/OPTIONS must echo the `turing-xsrf` cookie in `X-XSRF-Token`. A
 * cross-site page can make the browser send cookies but cannot read them.
 * Token-authenticated requests are exempt: browsers never attach an
 * Authorization header on their own.
 */
export function passesCsrf(input: CsrfInput): boolean {
  if (input.via === 'token' || SAFE_METHODS.has(input.method.toUpperCase())) return true;
  const { cookieValue, headerValue } = input;
  if (!cookieValue || !headerValue) return false;
  const a = Buffer.from(cookieValue);
  const b = Buffer.from(headerValue);
  return a.length === b.length && timingSafeEqual(a, b);
}
