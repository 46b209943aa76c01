import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { toKubeError } from './errors.js';

/** Which container log to follow. */
export interface PodLogRequest {
  namespace: string;
  pod: string;
  container: string;
  /** Aborting ends the stream (and the request to the API server) at once, before or after it opened. */
  signal: AbortSignal;
}

/** Most of an error answer's body kept for its message. */
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * Follows a container's log through the API server
 * (`GET /api/v1/namespaces/<ns>/pods/<pod>/log?follow=true&container=<c>`,
 * RBAC: `get` on `pods/log`). Resolves once the API server answered 200,
 * with the bytes as the kubelet sends them: each chunk is handed on as it
 * arrives, nothing is buffered. The iterable ends when the kubelet ends the
 * stream (the container exited) and throws if the connection breaks.
 * A non-200 answer rejects with a {@link KubeError} carrying the API
 * server's message (e.g. 400 "container ... is waiting to start").
 *
 * client-node 1.4's `Log` class is not used: it resolves its AbortController
 * only after the response headers (a request cannot be cancelled while the
 * kubelet is slow to answer), drops the message of a 400, and pipes into a
 * Writable without telling the caller whether the stream ended or broke.
 */
export async function followPodLog(
  kubeConfig: KubeConfig,
  request: PodLogRequest,
): Promise<AsyncIterable<Buffer>> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('followPodLog: the kubeconfig has no current cluster');
  const url = new URL(
    `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.pod)}/log`,
    cluster.server,
  );
  url.searchParams.set('follow', 'true');
  url.searchParams.set('container', request.container);
  const options: RequestOptions = { method: 'GET', headers: { accept: '*/*' } };
  await kubeConfig.applyToHTTPSOptions(options);
  request.signal.throwIfAborted();
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { ...options, signal: request.signal }, resolve);
    req.on('error', reject);
    req.end();
  }).catch((err: unknown) => {
    throw toKubeError(err);
  });
  if (response.statusCode !== 200) {
    const body = await readBounded(response, ERROR_BODY_BYTES);
    throw toKubeError(
      new ApiException(response.statusCode ?? 0, `pods/${request.pod}/log`, body, headersOf(response)),
    );
  }
  // The socket carries no timeout: a quiet container may write nothing for hours.
  response.socket.setTimeout(0);
  return chunks(response);
}

async function* chunks(response: IncomingMessage): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of response) yield chunk as Buffer;
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    throw toKubeError(err);
  } finally {
    response.destroy();
  }
}

async function readBounded(response: IncomingMessage, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      const buffer = chunk as Buffer;
      if (size < limit) parts.push(buffer.subarray(0, limit - size));
      size += buffer.length;
    }
  } catch {
    // A broken error body still has a status code to report.
  }
  return Buffer.concat(parts).toString('utf8');
}

function headersOf(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}
