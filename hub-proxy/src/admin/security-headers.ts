import type { Response } from 'express';

/**
 * The admin pages' Content-Security-Policy: only this origin's scripts,
 * styles, images (and data: images), fonts and API calls; no inline script
 * or style, no plugins, no `<base>`, and framing only by the hub's own pages.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Headers on every response of the admin pages, whatever its status. */
export const ADMIN_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': ADMIN_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** Sets {@link ADMIN_PAGE_HEADERS} on `res`. */
export function setAdminPageHeaders(res: Response): void {
  res.set(ADMIN_PAGE_HEADERS);
}
