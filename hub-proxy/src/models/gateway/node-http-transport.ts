/**
 * The production transport: node:http with one tuned keep-alive agent per
 * backend. Chosen by measurement (`npm run bench:gateway`, same gateway
 * core, 2-core machine): node:http and undici's Pool came out even (about
 * 54 and 52 µs of CPU per call, throughput within 2 % over six paired
 * runs), http-proxy-3 with a keep-alive agent cost twice the CPU (110-120
 * µs) for half the throughput. node:http needs no runtime dependency, has
 * Node's native parser, and tells whether a failed request went out on a
 * reused keep-alive connection, which the retry policy uses.
 */
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type {
  UpstreamCall,
  UpstreamCallbacks,
  UpstreamFailureKind,
  UpstreamRequest,
  UpstreamTransport,
} from './transport.js';

/** Pool settings per backend. */
export interface NodeHttpTransportOptions {
  /** Connections per backend at most; more requests queue in the agent. Default 256. */
  maxSockets?: number;
  /** Idle connections kept per backend. Default 64. */
  maxFreeSockets?: number;
  /**
   * Idle connections close after this long. Default 4 s: under the 5 s
   * keep-alive of uvicorn (MLServer), so the gateway closes an idle
   * connection before the backend does and rarely meets a stale one.
   */
  idleTimeoutMs?: number;
}

interface Pool {
  agent: Agent;
  hostname: string;
  port: number;
}

/** A connect timeout, as an error with a code like the system's. */
class ConnectTimeoutError extends Error {
  readonly code = 'ECONNTIMEOUT';
}

/** node:http, one keep-alive agent per backend. */
export class NodeHttpTransport implements UpstreamTransport {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: NodeHttpTransportOptions = {}) {}

  send(request: UpstreamRequest, callbacks: UpstreamCallbacks): UpstreamCall {
    const pool = this.pool(request.origin);
    const req = httpRequest({
      agent: pool.agent,
      hostname: pool.hostname,
      port: pool.port,
      method: request.method,
      path: request.path,
      headers: request.headers,
    });
    return new NodeHttpCall(req, request.connectTimeoutMs, callbacks, request.body);
  }

  release(origin: string): void {
    this.pools.get(origin)?.agent.destroy();
    this.pools.delete(origin);
  }

  close(): void {
    for (const pool of this.pools.values()) pool.agent.destroy();
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const url = new URL(origin);
      pool = {
        agent: new Agent({
          keepAlive: true,
          keepAliveMsecs: 10_000,
          maxSockets: this.options.maxSockets ?? 256,
          maxFreeSockets: this.options.maxFreeSockets ?? 64,
          timeout: this.options.idleTimeoutMs ?? 4_000,
          // Reuse the most recently used connection: a few stay warm, the rest go idle and close.
          scheduling: 'lifo',
        }),
        hostname: url.hostname,
        port: Number(url.port || 80),
      };
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/** One attempt on node:http. */
class NodeHttpCall implements UpstreamCall {
  private settled = false;
  private connected = true;
  private connectTimedOut = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private response: IncomingMessage | undefined;

  constructor(
    private readonly req: ClientRequest,
    private readonly connectTimeoutMs: number,
    private readonly callbacks: UpstreamCallbacks,
    body: Buffer | undefined,
  ) {
    req.on('socket', this.onSocket);
    req.on('response', this.onResponse);
    // Stays for the request's life: an error after the response must not crash the process.
    req.on('error', this.onError);
    req.end(body);
  }

  abort(): void {
    this.settled = true;
    this.clearConnectTimer();
    this.response?.destroy();
    this.req.destroy();
  }

  private readonly onSocket = (socket: Socket): void => {
    // A pooled connection is already up; only a new one gets listeners, and they go when it connects.
    if (!socket.connecting) return;
    this.connected = false;
    socket.setNoDelay(true);
    this.connectTimer = setTimeout(this.onConnectTimeout, this.connectTimeoutMs);
    socket.once('connect', this.onConnect);
  };

  private readonly onConnect = (): void => {
    this.connected = true;
    this.clearConnectTimer();
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimedOut = true;
    this.req.destroy(new ConnectTimeoutError(`no connection within ${this.connectTimeoutMs} ms`));
  };

  private readonly onResponse = (res: IncomingMessage): void => {
    if (this.settled) {
      res.destroy();
      return;
    }
    this.settled = true;
    this.response = res;
    this.callbacks.onResponse({ status: res.statusCode ?? 502, headers: res.headers, body: res });
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    this.clearConnectTimer();
    if (this.settled) return;
    this.settled = true;
    this.callbacks.onFailure({ kind: this.classify(error), reusedSocket: this.req.reusedSocket, error });
  };

  private classify(error: NodeJS.ErrnoException): UpstreamFailureKind {
    if (this.connectTimedOut) return 'connect-timeout';
    // Judged by state, not by code: any error before the connection is up means nothing was delivered.
    if (!this.connected) return 'connect-refused';
    if (error.code?.startsWith('HPE_')) return 'protocol';
    return 'reset';
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
  }
}
