/** Where JupyterLab runs inside JupyterHub, as its page config says. */
export interface HubContext {
  /** Scheme and host of the hub when it differs from the page's (`hubHost`); usually empty. */
  hubHost: string;
  /** The hub's prefix (`hubPrefix`), e.g. `/hub/`; empty outside JupyterHub. */
  hubPrefix: string;
  /** The single-user server's base URL (`baseUrl`), e.g. `/user/alice/`. */
  baseUrl: string;
  /** The hub user owning this server (`hubServerUser`, else `hubUser`). */
  user: string;
  /** The named server this page belongs to (`hubServerName`); empty for the default server. */
  serverName: string;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The hub's base URL (the proxy root the hub, services and user servers share),
 * e.g. `/` for the prefix `/hub/`, or `/jh/` for `/jh/hub/`.
 *
 * Outside JupyterHub there is no hub prefix; the server's base URL is used.
 */
export function hubBaseUrl(ctx: HubContext): string {
  if (ctx.hubPrefix) {
    return ctx.hubHost + withSlash(withSlash(ctx.hubPrefix).replace(/hub\/$/, ''));
  }
  return withSlash(ctx.baseUrl || '/');
}

/**
 * The URL of the Turing service, ending in `/`: `{hub base}services/{name}/`.
 *
 * Note: under JupyterHub, JupyterLab's own `PageConfig.getBaseUrl()` is the
 * single-user server's `/user/<name>/`, not the proxy root, so the service URL
 * is derived from `hubPrefix`.
 */
export function serviceUrl(ctx: HubContext, serviceName = 'turing'): string {
  return `${hubBaseUrl(ctx)}services/${encodeURIComponent(serviceName)}/`;
}

/** The hub's login page, returning to `next` (a same-origin path) afterwards. */
export function hubLoginUrl(ctx: HubContext, next: string): string {
  const prefix = ctx.hubPrefix ? ctx.hubHost + withSlash(ctx.hubPrefix) : hubBaseUrl(ctx) + 'hub/';
  return `${prefix}login?next=${encodeURIComponent(next)}`;
}

/** The URL of one of the user's servers: `{hub base}user/{user}/{server}/`. */
export function userServerUrl(ctx: HubContext, serverName: string, user = ctx.user): string {
  const server = serverName ? `${encodeURIComponent(serverName)}/` : '';
  return `${hubBaseUrl(ctx)}user/${encodeURIComponent(user)}/${server}`;
}
