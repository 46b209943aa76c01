import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Identity } from '../auth/identity.js';
import type { Logger } from '../observability/logger.js';
import { requestContext } from './context.js';
import { InternalServerError } from './errors.js';
import {
  readHandlerInput,
  type AuthLevel,
  type HandlerInput,
  type MediaDoc,
  type RouteDefinition,
  type RouteSpec,
} from './route.js';
import type { SsePolicy } from './sse-policy.js';

/** The media type of Server-Sent Events. */
export const EVENT_STREAM = 'text/event-stream';

/** Heartbeat period when a route does not choose one: under common 30-60 s proxy idle timeouts. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** One Server-Sent Event. */
export interface SseEvent {
  /** Sent as JSON on one `data:` line. */
  data: unknown;
  /** The `event:` field; absent means the default type, `message`. */
  event?: string;
  /** The `id:` field, which a reconnecting client sends back as `Last-Event-ID`. */
  id?: string;
}

interface ReplyBase {
  /** Default: the route's `status`, else 200. */
  status?: number;
  /** Extra response headers (e.g. `Content-Length`, `Content-Security-Policy`). */
  headers?: Record<string, string>;
}

/** Events, framed and sent as `text/event-stream` as they come. */
export interface SseReply extends ReplyBase {
  kind: 'sse';
  events: AsyncIterable<SseEvent>;
}

/**
 * A body of `contentType`: a whole string or buffer (sent with express's
 * `send`, so with Content-Length and ETag), or chunks written as they come
 * (a Node stream is destroyed once it is no longer read).
 */
export interface BodyReply extends ReplyBase {
  kind: 'stream';
  contentType: string;
  body: AsyncIterable<Uint8Array | string> | Uint8Array | string;
}

/** What a streamed route's handler answers. Its media type must be one the route `produces`. */
export type StreamReply = SseReply | BodyReply;

/** A streamed route's handler input: the JSON route's, plus a signal for the client going away. */
export type StreamHandlerInput<P, Q, B, A extends AuthLevel> = HandlerInput<P, Q, B, A> & {
  /** Aborted when the client disconnects or the response ends: stop upstream work with it. */
  signal: AbortSignal;
};

/** A streamed route's declaration; like {@link RouteSpec}, but with media types instead of a JSON schema. */
export interface StreamRouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  A extends AuthLevel = AuthLevel,
> extends Omit<RouteSpec<P, Q, B, z.ZodType, A>, 'response' | 'handler' | 'alternateStatuses'> {
  /** Success bodies by media type (`text/event-stream`, `text/plain`, ...), for OpenAPI and a check of each reply. */
  produces: Record<string, MediaDoc>;
  /**
   * Event streams: a `:` comment line this often keeps proxies from closing
   * an idle stream; 0 for none. Default: the app's {@link SsePolicy}, else 15 s.
   */
  heartbeatMs?: number;
  handler: (
    input: StreamHandlerInput<z.output<P>, z.output<Q>, z.output<B>, A>,
  ) => StreamReply | Promise<StreamReply>;
}

/**
 * Declares a route that answers with a stream: Server-Sent Events or chunks
 * of any declared media type. Authentication, validation and OpenAPI work as
 * for {@link defineRoute}.
 *
 * Errors thrown before the first byte (by the handler, or by a non-SSE
 * body's first chunk) reach the problem+json middleware. Event streams start
 * as soon as the handler returns, so check access before returning the
 * events. Errors after the first byte are logged and the connection is cut,
 * so a truncated body never looks complete. When the client goes away the
 * handler's `signal` aborts and the iterator's `return()` is called.
 *
 * Every event-stream reply (our events or a relayed stream) takes one of the
 * caller's slots of the app's {@link SsePolicy} until it ends; a caller with
 * none left gets 429 problem+json and the reply is closed unsent.
 */
export function defineStreamRoute<
  P extends z.ZodType = z.ZodType<Record<string, string>>,
  Q extends z.ZodType = z.ZodType<Record<string, unknown>>,
  B extends z.ZodType = z.ZodType<undefined>,
  A extends AuthLevel = AuthLevel,
>(spec: StreamRouteSpec<P, Q, B, A>): RouteDefinition {
  if (!spec.path.startsWith('/')) throw new Error(`route ${spec.operationId}: path must start with "/"`);
  const { handler: _handler, heartbeatMs: routeHeartbeatMs, ...doc } = spec;
  const declared = new Set(Object.keys(spec.produces).map(mediaType));

  const handler: RequestHandler = async (req, res) => {
    const input = readHandlerInput(spec, req, res) as HandlerInput<z.output<P>, z.output<Q>, z.output<B>, A>;
    const abort = new AbortController();
    // 'close' comes when the client disconnects, or after the response has ended.
    const onClose = () => abort.abort();
    res.on('close', onClose);
    const policy = requestContext(req).sse;
    const heartbeatMs = routeHeartbeatMs ?? policy?.settings.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    let releaseSlot: (() => void) | undefined;
    try {
      const reply = await spec.handler({ ...input, signal: abort.signal });
      const type = reply.kind === 'sse' ? EVENT_STREAM : mediaType(reply.contentType);
      if (!declared.has(type)) {
        closeReply(reply);
        input.log.error({ route: spec.operationId, mediaType: type }, 'reply of an undeclared media type');
        throw new InternalServerError();
      }
      if (type === EVENT_STREAM) releaseSlot = claimStreamSlot(policy, input.identity, reply);
      const status = reply.status ?? spec.status ?? 200;
      const target = { res, signal: abort.signal, log: input.log };
      if (reply.kind === 'sse') {
        await pump(target, reply.events, {
          prime: false,
          heartbeatMs,
          encode: formatSseEvent,
          start: () => startEventStream(res, status, reply.headers),
        });
      } else if (typeof reply.body === 'string' || reply.body instanceof Uint8Array) {
        const body = typeof reply.body === 'string' ? reply.body : Buffer.from(reply.body);
        res
          .status(status)
          .set({ ...reply.headers, 'Content-Type': reply.contentType })
          .send(body);
      } else if (type === EVENT_STREAM) {
        // Already framed (a relay): it must flow at once, like our own events.
        await pump(target, reply.body, {
          prime: false,
          heartbeatMs: 0,
          encode: (chunk) => chunk,
          start: () => startEventStream(res, status, { ...reply.headers, 'Content-Type': reply.contentType }),
        });
      } else {
        const headers = { ...reply.headers, 'Content-Type': reply.contentType };
        await pump(target, reply.body, {
          prime: true,
          heartbeatMs: 0,
          encode: (chunk) => chunk,
          start: () => res.status(status).set(headers),
        });
      }
    } catch (err) {
      // The client left while the handler worked: nobody to answer, nothing to report.
      if (abort.signal.aborted && !res.headersSent) return;
      throw err;
    } finally {
      releaseSlot?.();
      res.off('close', onClose);
      abort.abort();
    }
  };
  return { spec: doc, handlers: [handler] };
}

/**
 * One of the caller's event-stream slots, released by the returned function.
 * Unauthenticated routes and apps without a policy are not counted. A
 * refused reply is closed, so its producer stops, and the 429 is thrown.
 */
function claimStreamSlot(
  policy: SsePolicy | undefined,
  identity: Identity | undefined,
  reply: StreamReply,
): (() => void) | undefined {
  if (!policy || !identity) return undefined;
  try {
    return policy.acquire(`${identity.kind}:${identity.name}`);
  } catch (err) {
    closeReply(reply);
    throw err;
  }
}

/** Frames one event: optional `event:` and `id:` lines, one JSON `data:` line, a blank line. */
export function formatSseEvent(event: SseEvent): string {
  // A line break in a field would end it early and forge the next one.
  const field = (value: string) => value.replace(/[\r\n\0]/g, '');
  return (
    (event.event === undefined ? '' : `event: ${field(event.event)}\n`) +
    (event.id === undefined ? '' : `id: ${field(event.id)}\n`) +
    `data: ${JSON.stringify(event.data) ?? 'null'}\n\n`
  );
}

/** A comment line: ignored by every SSE parser, but it is traffic. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

function startEventStream(res: Response, status: number, headers: Record<string, string> = {}): void {
  res.status(status).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    ...headers,
    // Intermediaries must pass events through as they come, not buffer or rewrite them.
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
}

interface PumpTarget {
  res: Response;
  signal: AbortSignal;
  log: Logger;
}

interface PumpOptions<T> {
  /** Read the first item before `start`, so its failure can still be a problem+json answer. */
  prime: boolean;
  heartbeatMs: number;
  encode: (item: T) => string | Uint8Array;
  /** Sets the status and headers (and may flush them). */
  start: () => void;
}

/** Writes `source` to the response, with backpressure, until it ends, fails or the client goes. */
async function pump<T>(
  { res, signal, log }: PumpTarget,
  source: AsyncIterable<T>,
  options: PumpOptions<T>,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let started = false;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    let next = options.prime ? await nextUnlessAborted(iterator, signal) : undefined;
    if (signal.aborted) return;
    options.start();
    started = true;
    if (options.heartbeatMs > 0) {
      heartbeat = setInterval(() => res.write(SSE_HEARTBEAT), options.heartbeatMs);
    }
    for (next ??= await nextUnlessAborted(iterator, signal); !next.done; ) {
      await write(res, options.encode(next.value), signal);
      next = await nextUnlessAborted(iterator, signal);
    }
    if (!signal.aborted) res.end();
  } catch (err) {
    if (!started) throw err;
    if (!signal.aborted) log.warn({ err }, 'stream ended early');
    res.destroy();
  } finally {
    clearInterval(heartbeat);
    // Tell the producer we are done: a generator runs its `finally`. A generator (a Readable's
    // iterator is one) queues return() behind a pending next(), so a stream is destroyed outright.
    void Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => undefined);
    if (isDestroyable(source)) source.destroy();
  }
}

function isDestroyable(source: unknown): source is { destroy: () => void } {
  return typeof (source as { destroy?: unknown }).destroy === 'function';
}

/** The iterator's next item, or the end as soon as `signal` aborts (the pending item is dropped). */
function nextUnlessAborted<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  const end: IteratorReturnResult<undefined> = { done: true, value: undefined };
  if (signal.aborted) return Promise.resolve(end);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(end);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Writes a chunk; if the socket is full, waits for it to drain (or for the client to go). */
function write(res: Response, chunk: string | Uint8Array, signal: AbortSignal): Promise<void> {
  if (res.write(chunk) || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Closes a reply that will not be sent, so its producer stops. */
function closeReply(reply: StreamReply): void {
  const source: AsyncIterable<unknown> | Uint8Array | string =
    reply.kind === 'sse' ? reply.events : reply.body;
  if (typeof source === 'string' || source instanceof Uint8Array) return;
  void Promise.resolve()
    .then(() => source[Symbol.asyncIterator]().return?.())
    .catch(() => undefined);
}

/** `Text/HTML; charset=utf-8` -> `text/html`. */
function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
