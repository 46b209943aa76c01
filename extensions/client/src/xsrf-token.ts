import { XSRF_COOKIE, readCookie } from './cookies';

/**
 * The anti-CSRF token to send in the `X-XSRF-Token` header on a write. The cookie
 * appears with the first login; when it is missing, `silentLogin` (one GET
 * such as `v1/me`) runs first and the cookie is read again. `''` when there
 * still is none (hub-proxy then refuses the write with 403).
 */
export async function xsrfToken(cookies: () => string, silentLogin: () => Promise<unknown>): Promise<string> {
  let token = readCookie(cookies(), XSRF_COOKIE);
  if (token === undefined) {
    await silentLogin();
    token = readCookie(cookies(), XSRF_COOKIE);
  }
  return token ?? '';
}
