/** The cookie holding the anti-CSRF token hub-proxy sets after login. */
export const XSRF_COOKIE = 'turing-xsrf';

/** The header that must echo {@link XSRF_COOKIE} on cookie-authenticated writes. */
export const XSRF_HEADER = 'X-XSRF-Token';

/** Reads one cookie from a `document.cookie` string; `undefined` when absent. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      continue;
    }
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}
