/**
 * How the gateway sends one attempt to one backend. The gateway core
 * (routing, balancing, retries, limits, metrics) is the same whatever
 * sends the bytes; production uses `NodeHttpTransport` (node:http with a
 * tuned keep-alive agent per backend). The benchmark plugs in undici and
 * http-proxy-3 through this interface to compare them on equal terms.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** One attempt to send. */
export interface UpstreamRequest {
  /** The backend, `http://host:port`. */
  origin: string;
  method: string;
  /** Path and query as the backend should see them. */
  path: string;
  /** Already filtered: no hop-by-hop or credential headers; `content-length` matches `body`. */
  headers: OutgoingHttpHeaders;
  /** The whole request body (buffered, so a retry can send it again); undefined when there is none. */
  body: Buffer | undefined;
  /** A new connection that is not up within this time fails as `connect-timeout`. */
  connectTimeoutMs: number;
  /**
   * The caller's request and response. Only transports built on a proxy
   * library (http-proxy-3) read them; the core writes the response itself.
   */
  client: { req: IncomingMessage; res: ServerResponse };
}

/** A backend's answer: status and headers as received, and the body still to stream. */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/**
 * Why an attempt failed before any response arrived.
 * - `connect-refused`: no connection (refused, unreachable): nothing was delivered.
 * - `connect-timeout`: no connection within the connect timeout: nothing was delivered.
 * - `reset`: the connection closed or was reset before a response.
 * - `protocol`: the backend answered something that is not HTTP.
 */
export type UpstreamFailureKind = 'connect-refused' | 'connect-timeout' | 'reset' | 'protocol';

/** An attempt's failure. */
export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  /** The request went out on a kept-alive connection that had carried an earlier request. */
  reusedSocket: boolean;
  error: Error;
}

/** Where a transport reports the outcome of one attempt: exactly one of the two, once. */
export interface UpstreamCallbacks {
  onResponse(response: UpstreamResponse): void;
  onFailure(failure: UpstreamFailure): void;
}

/** An attempt under way. */
export interface UpstreamCall {
  /** Stops the attempt and closes its connection; no callback follows. Safe to call twice. */
  abort(): void;
}

/** Sends attempts; keeps a connection pool per backend. */
export interface UpstreamTransport {
  send(request: UpstreamRequest, callbacks: UpstreamCallbacks): UpstreamCall;
  /** The backend is gone and has nothing in flight: close its pooled connections. */
  release(origin: string): void;
  /** Closes every pool. */
  close(): void;
}
