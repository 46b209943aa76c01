/** Where the admin pages run: the service's URL prefix and the hub's login page. */
export interface ServiceLocation {
  /** The service's URL, ending in `/`, e.g. `/services/turing/`. */
  serviceUrl: string;
  /** The admin pages' root, e.g. `/services/turing/admin/`. */
  adminUrl: string;
  /** The API root, e.g. `/services/turing/api/v1/`. */
  apiUrl: string;
  /** The hub's login page, without the `next` parameter, e.g. `/hub/login`. */
  hubLoginUrl: string;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The service prefix of a page path: everything before the `admin/` segment
 * (`/jh/services/turing/admin/quotas` -> `/jh/services/turing/`). A path
 * without one falls back to `/services/turing/`.
 */
export function servicePrefix(pathname: string): string {
  const match = /^(.*\/)admin(?:\/|$)/.exec(pathname);
  return match?.[1] ?? '/services/turing/';
}

/**
 * The locations of a page: from the `<html data-turing-prefix>` and
 * `data-turing-api` attributes hub-proxy writes (configuration without
 * inline script), else derived from the page's path.
 */
export function serviceLocation(pathname: string, dataset: DOMStringMap = {}): ServiceLocation {
  const serviceUrl = withSlash(dataset.turingPrefix || servicePrefix(pathname));
  const apiUrl = withSlash(dataset.turingApi || `${serviceUrl}api/v1/`);
  // The hub's base is what precedes `services/<name>/` (the proxy root).
  const hubBase = serviceUrl.replace(/services\/[^/]+\/$/, '');
  return {
    serviceUrl,
    adminUrl: `${serviceUrl}admin/`,
    apiUrl,
    hubLoginUrl: dataset.turingHubLogin || `${hubBase}hub/login`,
  };
}
