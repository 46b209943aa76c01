/**
 * One call through the gateway, from the caller's request to the end of
 * the response: read the body (within the size limit), pick a backend,
 * send, retry once if the policy allows, stream the answer back, and
 * account for it exactly once, whether it finished, failed or the caller
 * went away.
 *
 * When the caller goes away (http-proxy's leak, its issue #1586), the
 * response's `close` comes before its `finish`: the upstream request is
 * destroyed, the backend's outstanding count released, the in-flight
 * gauge lowered. Every listener is on this call's own request, response
 * or upstream objects, never on a shared socket, so nothing outlives it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  BadGatewayError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  type HttpError,
} from '../../http/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { BackendRegistry, BackendState } from './backend-registry.js';
import { candidates, pickLeastLoaded } from './balancer.js';
import { downstreamHeaders, upstreamHeaders } from './forward-headers.js';
import { GatewayTimeoutError, writeProblem } from './gateway-errors.js';
import type { GatewayMetrics, UpstreamErrorReason } from './gateway-metrics.js';
import type { RequestStats } from './request-stats.js';
import { mayRetrySameBackend, shouldRetry } from './retry-policy.js';
import type { VersionTarget } from './traffic-split.js';
import type {
  UpstreamCall,
  UpstreamCallbacks,
  UpstreamFailure,
  UpstreamResponse,
  UpstreamTransport,
} from './transport.js';

/** What every call shares: the gateway's parts and settings. */
export interface ExchangeContext {
  backends: BackendRegistry;
  transport: UpstreamTransport;
  metrics: GatewayMetrics;
  stats(model: string): RequestStats;
  logger: Logger;
  random: () => number;
  upstreamTimeoutMs: number;
  connectTimeoutMs: number;
  maxRequestBytes: number;
  ejectMs: number;
}

/** What the gateway resolved before the call starts. */
export interface ExchangePlan {
  model: string;
  target: VersionTarget;
  /** Builds the upstream path for a version. */
  pathFor(version: number | undefined): string;
  /** May be sent twice (see retry-policy.ts). */
  replayable: boolean;
  /** The metrics label of a version: bounded, since a caller can name any number. */
  versionLabel(version: number | undefined): string;
}

const FAILURE_REASON: Record<UpstreamFailure['kind'], UpstreamErrorReason> = {
  'connect-refused': 'connect_refused',
  'connect-timeout': 'connect_timeout',
  reset: 'reset',
  protocol: 'protocol',
};

/** One call's life. Start it with {@link Exchange.start}. */
export class Exchange implements UpstreamCallbacks {
  private readonly started = performance.now();
  private version: number | undefined;
  private fallback: number | undefined;
  private body: Buffer | undefined;
  private chunks: Buffer[] = [];
  private received = 0;
  private attempts = 0;
  /** The backend of the attempt under way, acquired. */
  private backend: BackendState | undefined;
  /** The backend of the last failed attempt, avoided by the retry. */
  private failedBackend: BackendState | undefined;
  private call: UpstreamCall | undefined;
  private upstreamBody: UpstreamResponse['body'] | undefined;
  private lastFailure: UpstreamFailure | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  /** The status recorded when a response already under way had to be cut off. */
  private cutOffCode: number | undefined;

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly plan: ExchangePlan,
  ) {
    this.version = plan.target.version;
    this.fallback = plan.target.fallback;
  }

  /** Counts the call in flight, then reads its body and sends it. */
  start(): void {
    this.ctx.metrics.inflight(this.plan.model, 1);
    this.res.once('close', this.onClientClose);
    const declared = this.req.headers['content-length'];
    if (declared !== undefined && Number(declared) > this.ctx.maxRequestBytes) {
      this.answer(this.tooLarge(), true);
      return;
    }
    const hasBody =
      (declared !== undefined && declared !== '0') || this.req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) {
      this.send();
      return;
    }
    this.req.on('data', this.onData);
    this.req.once('end', this.onEnd);
  }

  // --- the caller's request body ---

  private readonly onData = (chunk: Buffer): void => {
    this.received += chunk.length;
    if (this.received > this.ctx.maxRequestBytes) {
      this.stopReading();
      this.chunks = [];
      this.answer(this.tooLarge(), true);
      return;
    }
    this.chunks.push(chunk);
  };

  private readonly onEnd = (): void => {
    this.stopReading();
    this.body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
    this.chunks = [];
    if (!this.finished) this.send();
  };

  private stopReading(): void {
    this.req.off('data', this.onData);
    this.req.off('end', this.onEnd);
  }

  private tooLarge(): HttpError {
    return new PayloadTooLargeError(`Model requests are limited to ${this.ctx.maxRequestBytes} bytes.`);
  }

  // --- upstream ---

  /** Sends the call to a backend, or answers why it cannot. */
  private send(): void {
    const backend = this.pickBackend();
    if (!backend) {
      if (this.lastFailure) {
        this.answer(new BadGatewayError('The model could not be reached.'));
        return;
      }
      this.ctx.metrics.upstreamError(this.plan.model, this.versionLabel(), 'no_endpoint');
      this.answer(
        new ServiceUnavailableError(
          this.version === undefined
            ? 'The model has no ready replica.'
            : `No ready replica serves version ${this.version} of the model.`,
          { headers: { 'Retry-After': '2' } },
        ),
      );
      return;
    }
    this.backend = backend;
    this.ctx.backends.acquire(backend);
    this.attempts += 1;
    this.timer ??= setTimeout(this.onTimeout, this.ctx.upstreamTimeoutMs);
    this.call = this.ctx.transport.send(
      {
        origin: backend.origin,
        method: this.req.method ?? 'GET',
        path: this.plan.pathFor(this.version),
        headers: upstreamHeaders(this.req, backend.host, this.body?.length),
        body: this.body,
        connectTimeoutMs: this.ctx.connectTimeoutMs,
        client: { req: this.req, res: this.res },
      },
      this,
    );
  }

  /**
   * The first attempt: a backend serving the version, else the fallback
   * version's. A retry: another backend, else the fallback version's, else
   * the same backend after a stale keep-alive connection.
   */
  private pickBackend(): BackendState | undefined {
    const all = this.ctx.backends.backends(this.plan.model);
    const now = Date.now();
    const failed = this.failedBackend;
    let choices = candidates(all, this.version, now, failed);
    if (choices.length === 0 && this.fallback !== undefined) {
      const other = candidates(all, this.fallback, now, failed);
      if (other.length > 0) {
        choices = other;
        this.version = this.fallback;
        this.fallback = undefined;
      }
    }
    if (choices.length === 0 && failed && this.lastFailure && mayRetrySameBackend(this.lastFailure)) {
      return failed;
    }
    return pickLeastLoaded(choices, this.ctx.random);
  }

  /** The backend answered: pass status, headers and body down. */
  onResponse(response: UpstreamResponse): void {
    this.call = undefined;
    if (this.finished) {
      response.body.destroy();
      this.releaseBackend();
      return;
    }
    this.upstreamBody = response.body;
    response.body.once('close', this.onUpstreamBodyClose);
    response.body.once('error', this.onUpstreamBodyError);
    this.res.writeHead(response.status, downstreamHeaders(response.headers, this.version));
    response.body.pipe(this.res);
  }

  private readonly onUpstreamBodyClose = (): void => {
    const body = this.upstreamBody;
    this.upstreamBody = undefined;
    this.releaseBackend();
    if (body && !body.readableEnded && !this.finished) {
      // Broken mid-body: the caller has part of an answer and must not take it for all of it.
      this.ctx.metrics.upstreamError(this.plan.model, this.versionLabel(), 'response_aborted');
      this.cutOffCode = 502;
      this.res.destroy();
    }
  };

  private readonly onUpstreamBodyError = (): void => {
    // `close` follows and does the accounting; this only keeps the error from being unhandled.
  };

  /** The attempt failed before any response: retry once, or answer 502. */
  onFailure(failure: UpstreamFailure): void {
    this.call = undefined;
    const backend = this.backend;
    this.releaseBackend();
    this.lastFailure = failure;
    this.failedBackend = backend;
    this.ctx.metrics.upstreamError(this.plan.model, this.versionLabel(), FAILURE_REASON[failure.kind]);
    if (backend && (failure.kind === 'connect-refused' || failure.kind === 'connect-timeout')) {
      // Passive health: skip it for a while; the source will drop it if it is gone for good.
      backend.ejectedUntil = Date.now() + this.ctx.ejectMs;
    }
    if (this.finished) return;
    const retry = shouldRetry({ failure, attempts: this.attempts, replayable: this.plan.replayable });
    this.ctx.logger.warn(
      {
        model: this.plan.model,
        version: this.version,
        backend: backend?.id,
        failure: failure.kind,
        code: (failure.error as NodeJS.ErrnoException).code,
        reusedSocket: failure.reusedSocket,
        attempt: this.attempts,
        retry,
      },
      'model backend failed',
    );
    if (retry) {
      this.ctx.metrics.retry(this.plan.model);
      this.send();
      return;
    }
    this.answer(new BadGatewayError('The model failed to answer.'));
  }

  private readonly onTimeout = (): void => {
    this.timer = undefined;
    if (this.finished) return;
    this.ctx.metrics.upstreamError(this.plan.model, this.versionLabel(), 'timeout');
    this.abortUpstream();
    if (this.res.headersSent) {
      this.cutOffCode = 504;
      this.res.destroy();
      return;
    }
    this.answer(new GatewayTimeoutError(`The model did not answer within ${this.ctx.upstreamTimeoutMs} ms.`));
  };

  // --- the caller's response ---

  private answer(error: HttpError, closeConnection = false): void {
    if (this.finished) return;
    writeProblem(this.res, error, closeConnection);
  }

  /** The response is done or the caller went away: account for the call exactly once. */
  private readonly onClientClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.stopReading();
    this.chunks = [];
    const completed = this.res.writableFinished;
    if (!completed) this.abortUpstream();
    // 499, as nginx logs it: the caller closed the connection before the answer was complete.
    const code = completed ? this.res.statusCode : (this.cutOffCode ?? 499);
    const ms = performance.now() - this.started;
    const { model } = this.plan;
    this.ctx.metrics.observe(model, this.versionLabel(), code, ms / 1000);
    this.ctx.metrics.inflight(model, -1);
    this.ctx.stats(model).record(Date.now(), ms, code >= 500);
  };

  private abortUpstream(): void {
    this.call?.abort();
    this.call = undefined;
    const body = this.upstreamBody;
    if (body) {
      this.upstreamBody = undefined;
      body.off('close', this.onUpstreamBodyClose);
      body.unpipe(this.res);
      body.destroy();
    }
    this.releaseBackend();
  }

  private releaseBackend(): void {
    if (this.backend) {
      this.ctx.backends.release(this.backend);
      this.backend = undefined;
    }
  }

  private versionLabel(): string {
    return this.plan.versionLabel(this.version);
  }
}
