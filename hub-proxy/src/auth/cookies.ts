import type { Request, Response } from 'express';
import { parse, serialize, type SerializeOptions } from 'cookie';

/** Parses the request's Cookie header. */
export function readCookies(req: Request): Record<string, string | undefined> {
  const header = req.headers.cookie;
  return header ? parse(header) : {};
}

/**
 * Whether cookies must be `Secure`: the request came over TLS, directly or
 * as a trusted proxy reports it. `req.secure` reads `X-Forwarded-Proto` only
 * from the peers the `trustProxy` setting names (express `trust proxy`), so
 * a client cannot choose the flag.
 */
export function isSecureRequest(req: Request): boolean {
  return req.secure;
}

/** Appends a Set-Cookie header (several may be set on one response). */
export function setCookie(res: Response, name: string, value: string, options: SerializeOptions): void {
  res.append('Set-Cookie', serialize(name, value, options));
}

/** Expires a cookie set with the same name and path. */
export function clearCookie(res: Response, name: string, path: string): void {
  res.append('Set-Cookie', serialize(name, '', { path, maxAge: 0, expires: new Date(0), httpOnly: true }));
}
