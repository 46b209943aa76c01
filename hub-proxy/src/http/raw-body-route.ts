import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import { requestContext } from './context.js';
import { UnauthorizedError, UnsupportedMediaTypeError } from './errors.js';
import type { AuthLevel, RouteDefinition, RouteDoc, RouteSpec } from './route.js';
import { parseInputs } from './validation.js';

/** What a raw-body route's `handle` receives: validated params, the caller and the unread request. */
export interface RawBodyInput<P, A extends AuthLevel> {
  params: P;
  /** Always set unless the route is `auth: 'none'`. */
  identity: A extends 'none' ? Identity | undefined : Identity;
  /** The request, its body not yet read: stream it. */
  req: Request;
}

/**
 * A route whose body is not JSON but raw bytes (a file upload). Declared
 * like {@link RouteSpec} for OpenAPI, without query or JSON body.
 */
export interface RawBodyRouteSpec<
  P extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  A extends AuthLevel = AuthLevel,
> extends Omit<RouteSpec<P, z.ZodType, z.ZodType, R, A>, 'query' | 'body' | 'bodyOptional' | 'handler'> {
  /** Reads the body from `req` and returns the response, sent as JSON with `status`. */
  handle: (input: RawBodyInput<z.output<P>, A>) => Promise<z.input<R>>;
}

/**
 * Declares a route that streams its raw request body (e.g.
 * `application/octet-stream`) to `handle`. A JSON body is refused with 415:
 * express.json() has consumed it already, so the bytes would be lost. Params
 * are validated (400) before `handle` runs; its result is sent as JSON with
 * the route's `status`, unchecked against `response` (which documents it).
 */
export function defineRawBodyRoute<
  P extends z.ZodType = z.ZodType<Record<string, string>>,
  R extends z.ZodType = z.ZodType,
  A extends AuthLevel = AuthLevel,
>(spec: RawBodyRouteSpec<P, R, A>): RouteDefinition {
  if (!spec.path.startsWith('/')) throw new Error(`route ${spec.operationId}: path must start with "/"`);
  const { handle, ...doc } = spec;
  const handler: RequestHandler = async (req, res) => {
    if (req.is(['application/json', 'application/*+json'])) {
      throw new UnsupportedMediaTypeError('Send the file as application/octet-stream.');
    }
    const { params } = parseInputs({ params: { schema: spec.params, value: req.params } }) as {
      params: z.output<P>;
    };
    const identity = requestContext(req).identity;
    // The auth guard has set it; never run a user route without a caller.
    if (spec.auth !== 'none' && !identity) throw new UnauthorizedError();
    const body = await handle({
      params,
      identity: identity as RawBodyInput<z.output<P>, A>['identity'],
      req,
    });
    res.status(spec.status ?? 200).json(body);
  };
  return { spec: doc as RouteDoc, handlers: [handler] };
}
