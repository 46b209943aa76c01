import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import type { Logger } from '../observability/logger.js';
import { maybeRequestContext, requestContext } from './context.js';
import { InternalServerError, UnsupportedMediaTypeError } from './errors.js';
import { parseInputs } from './validation.js';

/** Who may call a route: anyone, a user with the access scope, or an admin. */
export type AuthLevel = 'none' | 'user' | 'admin';

/** HTTP methods routes may use. */
export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: validated input and the caller. */
export interface HandlerInput<P, Q, B, A extends AuthLevel> {
  params: P;
  query: Q;
  body: B;
  /** Always set unless the route is `auth: 'none'`. */
  identity: A extends 'none' ? Identity | undefined : Identity;
  log: Logger;
  requestId: string;
  req: Request;
  /** To set headers or a non-default status; return the body rather than sending it. */
  res: Response;
}

/** A route's declaration: its schemas document it (OpenAPI) and validate it (at the edge). */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  A extends AuthLevel = AuthLevel,
> {
  method: RouteMethod;
  /** Path under the service prefix in express syntax, starting with `/`: `/api/v1/jobs/:name`. */
  path: string;
  /** Unique, camelCase; names the OpenAPI operation and its component schemas. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: A;
  params?: P;
  query?: Q;
  /** Declaring a body makes the route accept `application/json` only. */
  body?: B;
  /**
   * The body may be left out: a request without one (no Content-Type, as
   * `curl -X POST` sends it) is validated as `{}`. A body that is sent must
   * still be JSON (else 415).
   */
  bodyOptional?: boolean;
  response: R;
  /** Success status; default 200. */
  status?: number;
  /** Other documented statuses whose body also matches `response` (e.g. 503 on readyz). */
  alternateStatuses?: number[];
  handler: (
    input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>, A>,
  ) => z.input<R> | Promise<z.input<R>>;
}

/** One documented success body of a streamed route (see `streaming-route.ts`). */
export interface MediaDoc {
  description: string;
  /** `text/event-stream` only: the JSON each event's `data:` carries (documented as `x-event-data`). */
  eventData?: z.ZodType;
}

/** What the app and the OpenAPI builder need of a route, JSON or streamed. */
export type RouteDoc = Omit<
  RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType, AuthLevel>,
  'handler' | 'response'
> & {
  /** JSON routes: the success body. */
  response?: z.ZodType;
  /** Streamed routes: the success bodies by media type, instead of `response`. */
  produces?: Readonly<Record<string, MediaDoc>>;
};

/** A route erased to what the app and the OpenAPI builder need. */
export interface RouteDefinition {
  readonly spec: RouteDoc;
  /** Express handlers after authentication: JSON check, validation, handler, response. */
  readonly handlers: RequestHandler[];
}

/** The parts of a spec {@link readHandlerInput} validates. */
type InputSpec = Pick<RouteDoc, 'params' | 'query' | 'body' | 'bodyOptional'>;

/** No body at all: neither a chunked one nor a non-zero Content-Length. */
function hasNoBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return false;
  const length = req.headers['content-length'];
  return length === undefined || Number(length) === 0;
}

/**
 * The handler input of a request: refuses a non-JSON body where one is
 * declared (415; an optional body may be absent instead), validates params/query/body (400 naming every bad field)
 * and adds the caller and the request's logger. Shared by JSON and streamed routes.
 */
export function readHandlerInput(
  spec: InputSpec,
  req: Request,
  res: Response,
): HandlerInput<unknown, unknown, unknown, AuthLevel> {
  const ctx = requestContext(req);
  const omitted = spec.body !== undefined && spec.bodyOptional === true && hasNoBody(req);
  if (spec.body && !omitted && !req.is(['application/json', 'application/*+json'])) {
    throw new UnsupportedMediaTypeError();
  }
  const parsed = parseInputs({
    params: { schema: spec.params, value: req.params },
    query: { schema: spec.query, value: req.query },
    body: { schema: spec.body, value: omitted ? {} : spec.body ? req.body : undefined },
  });
  return { ...parsed, identity: ctx.identity, log: ctx.log, requestId: ctx.requestId, req, res };
}

/**
 * Declares a route. Validation of params/query/body happens before the
 * handler; the handler's return value is checked against `response` (a
 * mismatch is a bug, answered with 500) and sent as JSON.
 */
export function defineRoute<
  P extends z.ZodType = z.ZodType<Record<string, string>>,
  Q extends z.ZodType = z.ZodType<Record<string, unknown>>,
  B extends z.ZodType = z.ZodType<undefined>,
  R extends z.ZodType = z.ZodType,
  A extends AuthLevel = AuthLevel,
>(spec: RouteSpec<P, Q, B, R, A>): RouteDefinition {
  if (!spec.path.startsWith('/')) throw new Error(`route ${spec.operationId}: path must start with "/"`);
  const handler: RequestHandler = async (req, res) => {
    const input = readHandlerInput(spec, req, res) as HandlerInput<z.output<P>, z.output<Q>, z.output<B>, A>;
    const result = await spec.handler(input);
    const checked = spec.response.safeParse(result);
    if (!checked.success) {
      input.log.error(
        { issues: checked.error.issues, route: spec.operationId },
        'response failed its schema',
      );
      throw new InternalServerError();
    }
    if (spec.status !== undefined && res.statusCode === 200) res.status(spec.status);
    noteSubjectOwner(req, checked.data);
    if (res.statusCode === 204) res.end();
    else res.json(checked.data);
  };
  return { spec: spec as unknown as RouteDoc, handlers: [handler] };
}

/** `/api/v1/jobs/:name` -> `/api/v1/jobs/{name}` */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** A view naming its `owner` (a job, run or model) tells the audit log whose object it was. */
function noteSubjectOwner(req: Request, body: unknown): void {
  if (body === null || typeof body !== 'object' || !('owner' in body)) return;
  const { owner } = body as { owner: unknown };
  const context = maybeRequestContext(req);
  if (typeof owner === 'string' && owner !== '' && context && context.subjectOwner === undefined) {
    context.subjectOwner = owner;
  }
}
