import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { requestContext } from '../http/context.js';
import { BadRequestError, ForbiddenError } from '../http/errors.js';
import { clearCookie, isSecureRequest, readCookies, setCookie } from './cookies.js';
import { XSRF_COOKIE } from './csrf.js';
import type { HubClient } from './hub-client.js';

/** The settings the OAuth login needs (a subset of the config). */
export interface OAuthSettings {
  servicePrefix: string;
  baseUrl: string;
  cookieName: string;
  oauthClientId: string;
  oauthCallbackUrl: string;
  /** Browser-facing hub authorize URL (absolute, or a same-origin path). */
  authorizeUrl: string;
}

const STATE_TTL_SECONDS = 600;

/**
 * True for a same-origin relative path (`/user/x/lab?y`), the only `next`
 * we redirect to after login; `//host`, `/\host` and absolute URLs are not.
 */
export function isSafeNext(next: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^\/(?![/\\])/.test(next) && !/[\\\u0000-\u001f\u007f]/.test(next);
}

/** Path of the callback URL (it may be configured as an absolute URL). */
export function callbackPath(oauthCallbackUrl: string): string {
  return new URL(oauthCallbackUrl, 'http://placeholder').pathname;
}

/**
 * `GET {prefix}oauth_login` and the callback: the OAuth 2 authorization-code
 * login against the hub. The state lives in a short-lived HttpOnly cookie
 * named after the state itself, so concurrent logins (several `fetch()`es
 * from one page) do not overwrite each other.
 */
export function oauthRouter(settings: OAuthSettings, hub: Pick<HubClient, 'exchangeCode'>): Router {
  const router = Router();
  const loginPath = `${settings.servicePrefix}oauth_login`;
  const cbPath = callbackPath(settings.oauthCallbackUrl);

  router.get(loginPath, (req, res) => {
    requestContext(req).route = '/oauth_login';
    const rawNext = typeof req.query.next === 'string' ? req.query.next : '';
    const next = isSafeNext(rawNext) ? rawNext : settings.servicePrefix;
    const state = randomBytes(24).toString('base64url');
    setCookie(
      res,
      stateCookieName(settings.cookieName, state),
      `${state}.${Buffer.from(next).toString('base64url')}`,
      {
        path: cbPath,
        httpOnly: true,
        sameSite: 'lax',
        secure: isSecureRequest(req),
        maxAge: STATE_TTL_SECONDS,
      },
    );
    const query = new URLSearchParams({
      client_id: settings.oauthClientId,
      redirect_uri: settings.oauthCallbackUrl,
      response_type: 'code',
      state,
    });
    res.redirect(302, `${settings.authorizeUrl}?${query}`);
  });

  router.get(cbPath, async (req, res) => {
    const ctx = requestContext(req);
    ctx.route = '/oauth_callback';
    const { code, state, error } = req.query;
    if (typeof error === 'string') throw new ForbiddenError('The hub refused the login.');
    if (typeof code !== 'string' || typeof state !== 'string' || !code || !state) {
      throw new BadRequestError('The OAuth callback needs "code" and "state".');
    }
    const name = stateCookieName(settings.cookieName, state);
    const next = checkState(req, name, state, settings.servicePrefix);
    clearCookie(res, name, cbPath);
    const tokens = await hub.exchangeCode({
      clientId: settings.oauthClientId,
      code,
      redirectUri: settings.oauthCallbackUrl,
    });
    if (!tokens) throw new BadRequestError('The authorization code is invalid or expired; log in again.');
    const secure = isSecureRequest(req);
    setCookie(res, settings.cookieName, tokens.accessToken, {
      path: settings.servicePrefix,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      ...(tokens.expiresIn ? { maxAge: Math.floor(tokens.expiresIn) } : {}),
    });
    if (!readCookies(req)[XSRF_COOKIE]) {
      // Readable by script on every hub page (JupyterLab lives under /user/...), by design.
      setCookie(res, XSRF_COOKIE, randomBytes(24).toString('base64url'), {
        path: settings.baseUrl,
        httpOnly: false,
        sameSite: 'strict',
        secure,
      });
    }
    ctx.log.info('OAuth login completed');
    res.redirect(302, next);
  });

  return router;
}

function stateCookieName(cookieName: string, state: string): string {
  // A prefix of the state is enough to keep concurrent logins apart.
  return `${cookieName}-state-${state.slice(0, 12)}`;
}

/** Returns the `next` stored with the state, or throws if the state is unknown. */
function checkState(req: Request, name: string, state: string, fallback: string): string {
  const stored = readCookies(req)[name];
  const dot = stored?.indexOf('.') ?? -1;
  if (!stored || dot < 0) throw new BadRequestError('Unknown or expired login state; log in again.');
  const expected = Buffer.from(stored.slice(0, dot));
  const got = Buffer.from(state);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
    throw new BadRequestError('Login state mismatch; log in again.');
  }
  const next = Buffer.from(stored.slice(dot + 1), 'base64url').toString('utf8');
  return isSafeNext(next) ? next : fallback;
}
