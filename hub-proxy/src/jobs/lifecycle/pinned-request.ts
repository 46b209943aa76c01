import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookTarget } from './webhook-policy.js';

/** One request to a checked webhook. */
export interface PinnedRequest {
  method: 'POST' | 'HEAD';
  headers: Record<string, string>;
  body?: string;
  /** Bound on connecting, sending and receiving the response head. */
  timeoutMs: number;
}

/** What hub-proxy needs from a webhook's answer: the status and, for 429, Retry-After. */
export interface PinnedResponse {
  status: number;
  retryAfter?: string;
}

/** Node's default is 16 KiB; a webhook answer needs far less. */
const MAX_HEADER_BYTES = 8 * 1024;

/**
 * Sends one request to `target.address`, the address the webhook policy
 * checked, never to a fresh DNS answer: the socket goes to that IP while
 * `Host` and the TLS server name (SNI and certificate check) carry the URL's
 * host name. Redirects are not followed (node:http never does), no proxy
 * from the environment is used, and the response body is not read, so
 * neither a slow nor a huge answer can hold hub-proxy. Rejects on network
 * errors and on timeout (an `AbortError`).
 */
export function sendPinned(target: WebhookTarget, request: PinnedRequest): Promise<PinnedResponse> {
  const { url, hostname, address, family, port } = target;
  const secure = url.protocol === 'https:';
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const options: RequestOptions & { servername?: string } = {
    host: address,
    family,
    port,
    method: request.method,
    path: `${url.pathname}${url.search}`,
    headers: {
      ...request.headers,
      host: url.host,
      ...(body === undefined ? {} : { 'content-length': String(body.length) }),
    },
    // A fresh socket each time: a pooled one might have been opened for another check.
    agent: false,
    maxHeaderSize: MAX_HEADER_BYTES,
    signal: AbortSignal.timeout(request.timeoutMs),
    // SNI takes names only; an IP literal URL is verified against the IP itself.
    ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
  };
  return new Promise<PinnedResponse>((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
      const retryAfter = res.headers['retry-after'];
      // The body is of no use; closing the socket bounds what is read.
      res.destroy();
      resolve({ status: res.statusCode ?? 0, ...(retryAfter === undefined ? {} : { retryAfter }) });
    });
    req.on('error', reject);
    req.end(body);
  });
}
