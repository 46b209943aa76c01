import type { Request } from 'express';
import type { Identity } from '../auth/identity.js';
import type { Logger } from '../observability/logger.js';
import type { SsePolicy } from './sse-policy.js';

/** Per-request state shared by middleware and handlers. */
export interface RequestContext {
  requestId: string;
  /** Child logger carrying the request id. */
  log: Logger;
  /** Route pattern for metrics and logs, e.g. `/api/v1/jobs/:name`. */
  route?: string;
  /** Set by the authentication middleware. */
  identity?: Identity;
  /** Heartbeats and per-user caps of event streams; set by `attachSsePolicy`. */
  sse?: SsePolicy;
  /**
   * The owner of the object the call acted on, when the handler knows it
   * (an admin acting on someone's model), for the audit log. Set from a
   * response's `owner` field, or by the handler itself.
   */
  subjectOwner?: string;
}

// A WeakMap instead of augmenting Express's global types.
const contexts = new WeakMap<Request, RequestContext>();

/** Attaches the context; called once by the request-id middleware. */
export function setRequestContext(req: Request, context: RequestContext): void {
  contexts.set(req, context);
}

/** The context of a request that went through the request-id middleware. */
export function requestContext(req: Request): RequestContext {
  const context = contexts.get(req);
  if (!context) throw new Error('request context missing: is the request-id middleware installed?');
  return context;
}

/** Like {@link requestContext} but tolerant, for the error path. */
export function maybeRequestContext(req: Request): RequestContext | undefined {
  return contexts.get(req);
}
