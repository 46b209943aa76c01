import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from './errors.js';
import type { AuthLevel, RouteDoc } from './route.js';

/** The methods declared on one path, and whether every one of them is public. */
export interface DeclaredPath {
  /** Express pattern, e.g. `/api/v1/jobs/:name`. */
  path: string;
  /** For `Allow`: upper case, sorted; `HEAD` wherever `GET` is (express answers it). */
  methods: string[];
  /** True when every route on the path is `auth: 'none'`. */
  public: boolean;
}

/** Groups routes by path, for the 405 answers. */
export function declaredPaths(
  routes: ReadonlyArray<{ spec: Pick<RouteDoc, 'path' | 'method' | 'auth'> }>,
): DeclaredPath[] {
  const byPath = new Map<string, { methods: Set<string>; auth: Set<AuthLevel> }>();
  for (const { spec } of routes) {
    const entry = byPath.get(spec.path) ?? { methods: new Set(), auth: new Set() };
    entry.methods.add(spec.method.toUpperCase());
    if (spec.method === 'get') entry.methods.add('HEAD');
    entry.auth.add(spec.auth);
    byPath.set(spec.path, entry);
  }
  return [...byPath].map(([path, { methods, auth }]) => ({
    path,
    methods: [...methods].sort(),
    public: auth.size === 1 && auth.has('none'),
  }));
}

/** Throws 405 with `Allow: methods`; installed after the routes, so only undeclared methods reach it. */
export function methodNotAllowed(methods: readonly string[]): RequestHandler {
  return (_req, _res, next) => next(new MethodNotAllowedError(methods));
}
