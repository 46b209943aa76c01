/**
 * The two alternatives to node:http the benchmark measures under the same
 * gateway core (routing, balancing, buffering, metrics): undici's Pool and
 * http-proxy-3 with a keep-alive agent. Only the benchmark uses them;
 * hub-proxy ships `NodeHttpTransport`.
 */
import { Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { Pool } from 'undici';
import type {
  UpstreamCall,
  UpstreamCallbacks,
  UpstreamFailureKind,
  UpstreamRequest,
  UpstreamTransport,
} from '../hub-proxy/src/models/gateway/transport.js';

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function classify(error: NodeJS.ErrnoException): UpstreamFailureKind {
  if (error.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect-timeout';
  if (error.code && CONNECT_CODES.has(error.code)) return 'connect-refused';
  return 'reset';
}

/** undici: one Pool per backend, `request()` per call. */
export class UndiciTransport implements UpstreamTransport {
  private readonly pools = new Map<string, Pool>();

  send(request: UpstreamRequest, callbacks: UpstreamCallbacks): UpstreamCall {
    let pool = this.pools.get(request.origin);
    if (!pool) {
      pool = new Pool(request.origin, {
        connections: 256,
        pipelining: 1,
        keepAliveTimeout: 4_000,
        connect: { timeout: request.connectTimeoutMs, noDelay: true },
      });
      this.pools.set(request.origin, pool);
    }
    const controller = new AbortController();
    let settled = false;
    pool
      .request({
        path: request.path,
        method: request.method as 'GET',
        headers: request.headers as Record<string, string>,
        body: request.body ?? null,
        signal: controller.signal,
      })
      .then(
        (response) => {
          if (settled) {
            response.body.destroy();
            return;
          }
          settled = true;
          callbacks.onResponse({
            status: response.statusCode,
            headers: response.headers as IncomingHttpHeaders,
            body: response.body,
          });
        },
        (error: NodeJS.ErrnoException) => {
          if (settled) return;
          settled = true;
          callbacks.onFailure({ kind: classify(error), reusedSocket: false, error });
        },
      );
    return {
      abort: () => {
        settled = true;
        controller.abort();
      },
    };
  }

  release(origin: string): void {
    void this.pools.get(origin)?.destroy();
    this.pools.delete(origin);
  }

  close(): void {
    for (const pool of this.pools.values()) void pool.destroy();
    this.pools.clear();
  }
}

interface ProxyCall {
  callbacks: UpstreamCallbacks;
  settled: boolean;
  destroy?: () => void;
}

/** http-proxy-3 (the maintained http-proxy) with a tuned keep-alive agent per backend. */
export class HttpProxy3Transport implements UpstreamTransport {
  private readonly agents = new Map<string, Agent>();
  private readonly calls = new WeakMap<IncomingMessage, ProxyCall>();
  private readonly proxy = createProxyServer({ selfHandleResponse: true, ignorePath: true });

  constructor() {
    this.proxy.on('proxyReq', (proxyReq, req) => {
      const call = this.calls.get(req);
      if (call) call.destroy = () => proxyReq.destroy();
    });
    this.proxy.on('proxyRes', (proxyRes, req) => {
      const call = this.calls.get(req);
      if (!call || call.settled) {
        proxyRes.destroy();
        return;
      }
      call.settled = true;
      call.callbacks.onResponse({
        status: proxyRes.statusCode ?? 502,
        headers: proxyRes.headers,
        body: proxyRes,
      });
    });
  }

  send(request: UpstreamRequest, callbacks: UpstreamCallbacks): UpstreamCall {
    let agent = this.agents.get(request.origin);
    if (!agent) {
      agent = new Agent({
        keepAlive: true,
        maxSockets: 256,
        maxFreeSockets: 64,
        timeout: 4_000,
        scheduling: 'lifo',
      });
      this.agents.set(request.origin, agent);
    }
    const call: ProxyCall = { callbacks, settled: false };
    const { req, res } = request.client;
    this.calls.set(req, call);
    // The core has read the body; http-proxy-3 sends it from this buffer.
    const buffer = new PassThrough();
    buffer.end(request.body);
    this.proxy.web(
      req,
      res as ServerResponse,
      {
        target: `${request.origin}${request.path}`,
        agent,
        buffer,
        headers: request.headers as Record<string, string>,
        proxyTimeout: 0,
      },
      (error: Error) => {
        if (call.settled) return;
        call.settled = true;
        callbacks.onFailure({ kind: classify(error as NodeJS.ErrnoException), reusedSocket: false, error });
      },
    );
    return {
      abort: () => {
        call.settled = true;
        call.destroy?.();
      },
    };
  }

  release(origin: string): void {
    this.agents.get(origin)?.destroy();
    this.agents.delete(origin);
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    this.proxy.close();
  }
}
