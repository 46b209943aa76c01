import type { RequestHandler } from 'express';
import { QuotaExceeded } from '../errors/index.js';
import { requestContext } from './context.js';

/** Settings of {@link SsePolicy} (`sseHeartbeatSeconds`, `sseMaxConnectionsPerUser` in the config). */
export interface SseSettings {
  /** A `:` comment line this often on an idle event stream, so proxies do not close it. */
  heartbeatMs: number;
  /** Event streams one caller may hold open at once. */
  maxConnectionsPerUser: number;
}

/**
 * How event streams (Server-Sent Events) behave: their heartbeat period,
 * and how many one caller may hold open. Each open stream holds a socket,
 * a timer and often an upstream (a followed log, the hub's progress
 * stream), so one user's tabs or scripts must not exhaust them. Counts live
 * in this process: with N replicas a caller may hold up to N times the cap.
 */
export class SsePolicy {
  private readonly open = new Map<string, number>();

  constructor(readonly settings: SseSettings) {}

  /**
   * Takes one of `caller`'s slots (e.g. `user:alice`). Returns the function
   * that gives it back (calling it again does nothing). Throws
   * QuotaExceeded (429, quota `sseConnectionsPerUser`) when all are taken.
   */
  acquire(caller: string): () => void {
    const used = this.connections(caller);
    const limit = this.settings.maxConnectionsPerUser;
    if (used >= limit) {
      throw new QuotaExceeded(
        'sseConnectionsPerUser',
        limit,
        used,
        `You have ${used} event streams open, the most one user may (sseConnectionsPerUser); ` +
          'close one (another tab or script following a log) and try again.',
      );
    }
    this.open.set(caller, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.connections(caller) - 1;
      if (left > 0) this.open.set(caller, left);
      else this.open.delete(caller);
    };
  }

  /** Streams `caller` holds open now. */
  connections(caller: string): number {
    return this.open.get(caller) ?? 0;
  }
}

/** Makes `policy` the one event-stream routes follow (see `streaming-route.ts`); install after request ids. */
export function attachSsePolicy(policy: SsePolicy): RequestHandler {
  return (req, _res, next) => {
    requestContext(req).sse = policy;
    next();
  };
}
