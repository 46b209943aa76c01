import type { Request, RequestHandler, Response } from 'express';
import type { RawRoute } from '../feature.js';
import { Forbidden, NotFound, Unavailable } from '../errors/index.js';
import { requestContext } from '../http/context.js';
import { MethodNotAllowedError } from '../http/errors.js';
import type { AdminBundle } from './admin-bundle.js';
import { escapeHtml, renderHtmlPage, type HtmlPage } from './html-pages.js';
import { setAdminPageHeaders } from './security-headers.js';

/** The client-side routes of the admin UI: `admin/<page>` serves the shell too. */
export const ADMIN_PAGES = ['environments', 'quotas', 'jobs', 'models', 'gpus', 'audit'] as const;

/** What the page routes need. */
export interface AdminPageDeps {
  bundle: AdminBundle;
  /** `/services/turing/`. */
  servicePrefix: string;
  /** The hub's base URL (`/`), for the link back to the hub. */
  baseUrl: string;
  /** `custom:turing:admin`, named on the refusal page. */
  adminScope: string;
}

const READ_METHODS = ['GET', 'HEAD'];

/** The request's path without the query. */
function pathOf(req: Request): string {
  const query = req.originalUrl.indexOf('?');
  return query === -1 ? req.originalUrl : req.originalUrl.slice(0, query);
}

function wantsHtml(req: Request): boolean {
  return (req.get('Accept') ?? '').includes('text/html');
}

/** Headers first (so problem+json answers carry them too), then only GET and HEAD. */
function begin(req: Request, res: Response): void {
  setAdminPageHeaders(res);
  if (!READ_METHODS.includes(req.method)) throw new MethodNotAllowedError(READ_METHODS);
}

/** An HTML page for browsers, else the error as problem+json. */
function refuse(req: Request, res: Response, status: number, page: HtmlPage, error: Error): void {
  if (!wantsHtml(req)) throw error;
  res.status(status).type('html').set('Cache-Control', 'no-store').send(renderHtmlPage(page));
}

/**
 * The shell with the service's URLs as `data-` attributes on `<html>`, so
 * the bundle needs no inline configuration script.
 */
export function withConfigAttributes(html: string, servicePrefix: string): string {
  const prefix = escapeHtml(servicePrefix);
  return html.replace(
    /<html(?=[\s>])/i,
    `<html data-turing-prefix="${prefix}" data-turing-api="${prefix}api/v1/"`,
  );
}

/**
 * The admin UI's pages and assets under the service prefix, every response
 * with the strict CSP (`security-headers.ts`):
 *
 * - `admin/`, `admin/<page>`: the shell (`index.html`) for an admin; a
 *   signed-in user without the admin scope gets 403 (an HTML page for
 *   browsers); a browser without a session is sent through the hub login by
 *   the `user` guard and comes back; 503 when the bundle is not built.
 * - `admin/assets/<file>`: the bundle's files (admins only), hashed names
 *   cached for a year; anything that is not a file inside `assets/` is 404.
 * - the service root (the hub's Services menu link): admins are sent to
 *   `admin/`, everyone else gets a page linking the API document.
 */
export function adminPageRoutes(deps: AdminPageDeps): RawRoute[] {
  const { bundle, servicePrefix, baseUrl, adminScope } = deps;
  const adminHome = `${servicePrefix}admin/`;
  const hubHome = `${baseUrl}hub/home`;

  const assets: RequestHandler = async (req, res) => {
    begin(req, res);
    const file = req.params.file;
    const asset = await bundle.asset(Array.isArray(file) ? file : []);
    if (!asset) throw new NotFound('No such file in the admin UI bundle.');
    res
      .status(200)
      .type(asset.contentType)
      .set('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(asset.body);
  };

  const pages: RequestHandler = async (req, res) => {
    begin(req, res);
    const path = pathOf(req);
    const rest = (Array.isArray(req.params.rest) ? req.params.rest : []).filter((s) => s !== '');
    const page = rest[0];
    if (rest.length > 1 || (page !== undefined && !(ADMIN_PAGES as readonly string[]).includes(page))) {
      return refuse(
        req,
        res,
        404,
        {
          title: 'Page not found',
          paragraphs: ['The admin pages have no such page.'],
          links: [[adminHome, 'Admin pages']],
        },
        new NotFound('The admin pages have no such page.'),
      );
    }
    // Canonical URLs keep the bundle's relative asset paths (`./assets/...`) inside `admin/`.
    const canonical = page === undefined ? adminHome : `${adminHome}${page}`;
    if (path !== canonical) {
      const query = req.originalUrl.slice(path.length);
      return res.redirect(301, `${canonical}${query}`);
    }
    if (!requestContext(req).identity?.isAdmin) {
      const detail = `The admin pages need the ${adminScope} scope.`;
      return refuse(
        req,
        res,
        403,
        {
          title: 'Admins only',
          paragraphs: [detail, 'Ask a Turing admin to grant it, or go back to the hub.'],
          links: [[hubHome, 'Hub home']],
        },
        new Forbidden(detail),
      );
    }
    const html = await bundle.indexHtml();
    if (html === undefined) {
      const detail = 'The admin UI is not built: run `npm run build:admin` and reload.';
      return refuse(
        req,
        res,
        503,
        { title: 'Admin UI not built', paragraphs: [detail] },
        new Unavailable(detail, 60),
      );
    }
    res
      .status(200)
      .type('html')
      .set('Cache-Control', 'no-cache')
      .send(withConfigAttributes(html, servicePrefix));
  };

  const root: RequestHandler = (req, res) => {
    begin(req, res);
    if (requestContext(req).identity?.isAdmin) return res.redirect(302, adminHome);
    res
      .status(200)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        renderHtmlPage({
          title: 'Turing',
          paragraphs: [
            'Turing is the service behind the JupyterLab Environments, Jobs and Models panels; open them in JupyterLab.',
            `The admin pages need the ${adminScope} scope.`,
          ],
          links: [
            [`${servicePrefix}api/openapi.json`, 'API document (OpenAPI)'],
            [hubHome, 'Hub home'],
          ],
        }),
      );
  };

  return [
    { path: '/admin/assets/*file', auth: 'admin', handler: assets },
    { path: '/admin{/*rest}', auth: 'user', handler: pages },
    { path: '/', auth: 'user', handler: root },
  ];
}
