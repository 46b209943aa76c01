import type { Request, RequestHandler } from 'express';
import { requestContext } from '../http/context.js';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import { clearCookie, readCookies } from './cookies.js';
import { passesCsrf, XSRF_COOKIE, XSRF_HEADER } from './csrf.js';
import type { IdentityResolver } from './identity-resolver.js';
import { hasScope, type Identity } from './identity.js';

/** The settings authentication needs (a subset of the config). */
export interface AuthSettings {
  servicePrefix: string;
  cookieName: string;
  accessScope: string;
  adminScope: string;
}

/** Where a request's credential came from. */
export interface Credential {
  token: string;
  via: 'token' | 'cookie';
}

const AUTH_HEADER = /^(?:token|bearer)\s+(\S+)\s*$/i;

/**
 * The credential of a request: `Authorization: token|Bearer <t>` wins over
 * the service cookie. A malformed Authorization header is a 401, not a
 * fallback to the cookie.
 */
export function readCredential(req: Request, cookieName: string): Credential | undefined {
  const header = req.get('Authorization');
  if (header !== undefined) {
    const match = AUTH_HEADER.exec(header);
    if (!match?.[1])
      throw new UnauthorizedError('Use "Authorization: token <hub token>" or "Bearer <hub token>".');
    return { token: match[1], via: 'token' };
  }
  const cookie = readCookies(req)[cookieName];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/**
 * The silent-login rule. A request without credentials is sent (302) to
 * `oauth_login` instead of getting a 401 when it is a GET or HEAD, has no
 * Authorization header, and comes from a browser: it carries
 * `Sec-Fetch-Site: same-origin` or `none` (a same-origin `fetch()` or a
 * typed-in navigation; every current browser sends it) or asks for HTML.
 * Scripts and cross-site requests get 401 problem+json.
 */
export function wantsLoginRedirect(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.get('Authorization') !== undefined) return false;
  const site = req.get('Sec-Fetch-Site');
  if (site === 'same-origin' || site === 'none') return true;
  return site === undefined && (req.get('Accept') ?? '').includes('text/html');
}

/** The login URL that returns to this request afterwards. */
export function loginUrl(servicePrefix: string, next: string): string {
  return `${servicePrefix}oauth_login?next=${encodeURIComponent(next)}`;
}

/**
 * Authentication and authorization for one route level. Every request is
 * re-checked against the hub (through the short TTL cache): `user` needs the
 * access scope, `admin` also needs the admin scope. Cookie-authenticated
 * writes must pass the CSRF rule, checked before the hub is asked.
 */
export function authenticate(
  level: 'user' | 'admin',
  settings: AuthSettings,
  resolver: IdentityResolver,
): RequestHandler {
  return async (req, res, next) => {
    const ctx = requestContext(req);
    const credential = readCredential(req, settings.cookieName);
    if (!credential) {
      if (wantsLoginRedirect(req))
        return res.redirect(302, loginUrl(settings.servicePrefix, req.originalUrl));
      throw new UnauthorizedError();
    }
    if (
      !passesCsrf({
        method: req.method,
        via: credential.via,
        cookieValue: readCookies(req)[XSRF_COOKIE],
        headerValue: req.get(XSRF_HEADER),
      })
    ) {
      throw new ForbiddenError(`Cookie-authenticated writes need the ${XSRF_HEADER} header.`);
    }
    const hubIdentity = await resolver.resolve(credential.token);
    if (!hubIdentity) {
      if (credential.via === 'cookie') {
        // Expired or revoked: drop it so the browser can log in again.
        resolver.forget(credential.token);
        clearCookie(res, settings.cookieName, settings.servicePrefix);
        if (wantsLoginRedirect(req))
          return res.redirect(302, loginUrl(settings.servicePrefix, req.originalUrl));
      }
      throw new UnauthorizedError('The hub did not accept the credentials.');
    }
    const identity: Identity = {
      ...hubIdentity,
      isAdmin: hasScope(hubIdentity.scopes, settings.adminScope),
      via: credential.via,
    };
    ctx.identity = identity;
    if (!hasScope(identity.scopes, settings.accessScope)) {
      throw new ForbiddenError(`This needs the ${settings.accessScope} scope.`);
    }
    if (level === 'admin' && !identity.isAdmin) {
      throw new ForbiddenError(`This needs the ${settings.adminScope} scope.`);
    }
    next();
  };
}
