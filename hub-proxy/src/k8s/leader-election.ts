import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { toKubeError } from './errors.js';
import type { KubeClients } from './kube-clients.js';
import { silentKubeLogger, type KubeLogger } from './kube-logger.js';
import { leaseHolder, mayAcquireLease, nextLeaseSpec, releasedLeaseSpec } from './lease-record.js';

/** Settings of a {@link LeaderElector}. Times follow client-go's defaults. */
export interface LeaderElectorOptions {
  /** Clients and the namespace (from config) the Lease lives in. */
  clients: Pick<KubeClients, 'coordination' | 'namespace'>;
  /** Name of the coordination.k8s.io/v1 Lease, e.g. `turing-hub-proxy-controllers`. */
  leaseName: string;
  /** Unique per process; default `hostname_pid_random`. */
  identity?: string;
  /** How long a lease stays valid without renewal. Default 15. */
  leaseDurationSeconds?: number;
  /** The leader steps down if it has not renewed for this long. Must be below the lease duration. Default 10 s. */
  renewDeadlineMs?: number;
  /** How often a candidate tries to acquire, and a failed renewal is retried. Default 2 s. */
  retryPeriodMs?: number;
  /** How often the leader renews. Default a third of the lease duration. */
  renewIntervalMs?: number;
  /** Called on becoming leader; `signal` aborts when leadership ends. Long-running work belongs here. */
  onStartedLeading?(signal: AbortSignal): void | Promise<void>;
  /** Called once each time leadership ends (lost, stopped or released). */
  onStoppedLeading?(): void;
  /** Called when the observed holder changes (undefined: nobody holds the lease). */
  onNewLeader?(identity: string | undefined): void;
  logger?: KubeLogger;
}

/** A process-unique identity: hostname, pid and a random suffix (a restarted pod gets a new one). */
export function defaultLeaderIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Rejects when `promise` takes longer than `ms` (the request itself is not cancelled). */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Up to 20 % extra, so candidates that started together do not retry in lockstep. */
function jittered(ms: number): number {
  return Math.round(ms * (1 + 0.2 * Math.random()));
}

/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go does it.
 *
 * A candidate takes the lease when it is free (no holder) or expired
 * (renewTime + leaseDurationSeconds in the past). Every write is a replace
 * conditioned on the resourceVersion just read (or a create), so when two
 * replicas race, the API server lets exactly one win. The leader renews every
 * `renewIntervalMs` and steps down if it has not managed to for
 * `renewDeadlineMs`, which is shorter than the lease so nobody else can have
 * taken over yet. {@link release} clears the holder, so a graceful shutdown
 * hands over within one retry period instead of a lease duration.
 *
 * Expiry compares the holder's renewTime with the local clock, so replicas'
 * clocks must agree to well under the lease duration (NTP in a cluster).
 */
export class LeaderElector {
  readonly identity: string;
  readonly leaseName: string;
  readonly namespace: string;
  private readonly coordination: CoordinationV1Api;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly renewIntervalMs: number;
  private readonly logger: KubeLogger;
  private readonly loopAbort = new AbortController();
  private leadership: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private observedHolder: string | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity ?? defaultLeaderIdentity();
    this.leaseName = options.leaseName;
    this.namespace = options.clients.namespace;
    this.coordination = options.clients.coordination;
    this.leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.renewIntervalMs = options.renewIntervalMs ?? Math.floor((this.leaseDurationSeconds * 1000) / 3);
    this.logger = options.logger ?? silentKubeLogger;
    if (!Number.isInteger(this.leaseDurationSeconds) || this.leaseDurationSeconds < 1) {
      throw new Error('leaseDurationSeconds must be a positive integer');
    }
    if (this.renewDeadlineMs >= this.leaseDurationSeconds * 1000) {
      throw new Error('renewDeadlineMs must be shorter than the lease duration');
    }
    if (this.renewIntervalMs >= this.renewDeadlineMs)
      throw new Error('renewIntervalMs must be below renewDeadlineMs');
  }

  /** True while this process holds the lease and has renewed it within the renew deadline. */
  get isLeader(): boolean {
    return this.leadership !== undefined;
  }

  /** The holder last seen on the Lease (this process's identity while leading), or undefined if free. */
  holder(): string | undefined {
    return this.observedHolder;
  }

  /** Starts campaigning in the background. Calling it twice has no effect. */
  start(): void {
    if (this.loop || this.loopAbort.signal.aborted) return;
    this.loop = this.run().catch((err: unknown) => {
      this.logger.warn({ lease: this.leaseName, err: String(err) }, 'leader election loop failed');
    });
  }

  /**
   * Stops campaigning and renewing, without touching the Lease: another
   * replica takes over once it expires, as after a crash. Prefer {@link release}
   * on graceful shutdown.
   */
  async stop(): Promise<void> {
    this.loopAbort.abort();
    await this.loop;
    this.stepDown('stopped');
  }

  /**
   * Stops, and if this process holds the Lease clears its holder so another
   * replica takes over at its next retry. Never throws; resolves to whether
   * the Lease was handed back.
   */
  async release(): Promise<boolean> {
    const wasLeader = this.isLeader;
    await this.stop();
    if (!wasLeader && this.observedHolder !== this.identity) return false;
    try {
      const lease = await withDeadline(this.readLease(), this.renewDeadlineMs, 'reading the lease');
      if (!lease || leaseHolder(lease.spec) !== this.identity) return false;
      await withDeadline(
        this.coordination.replaceNamespacedLease({
          name: this.leaseName,
          namespace: this.namespace,
          body: { ...lease, spec: releasedLeaseSpec(lease.spec, Date.now()) },
        }),
        this.renewDeadlineMs,
        'releasing the lease',
      );
      this.observe(undefined);
      this.logger.info({ lease: this.leaseName, identity: this.identity }, 'released leadership');
      return true;
    } catch (err) {
      this.logger.warn(
        { lease: this.leaseName, err: toKubeError(err).message },
        'could not release the lease',
      );
      return false;
    }
  }

  private async run(): Promise<void> {
    const signal = this.loopAbort.signal;
    while (!signal.aborted) {
      const attemptedAt = Date.now();
      if (await this.attempt(this.renewDeadlineMs)) {
        this.becomeLeader();
        await this.renewWhileLeading(signal, attemptedAt);
        this.stepDown(signal.aborted ? 'stopped' : 'lost');
      }
      await pause(jittered(this.retryPeriodMs), signal);
    }
  }

  /** Renews until the renew deadline passes without success, someone else holds the lease, or we stop. */
  private async renewWhileLeading(signal: AbortSignal, acquiredAt: number): Promise<void> {
    // Measured from before each write (renewTime is stamped no earlier), so a slow
    // response cannot stretch our leadership past what the Lease promises others.
    let renewedAt = acquiredAt;
    let wait = this.renewIntervalMs;
    for (;;) {
      await pause(wait, signal);
      if (signal.aborted) return;
      const remaining = renewedAt + this.renewDeadlineMs - Date.now();
      if (remaining <= 0) {
        this.logger.warn({ lease: this.leaseName }, 'renew deadline passed; stepping down');
        return;
      }
      const attemptedAt = Date.now();
      if (await this.attempt(remaining)) {
        renewedAt = attemptedAt;
        wait = this.renewIntervalMs;
        continue;
      }
      if (this.observedHolder !== undefined && this.observedHolder !== this.identity) return;
      wait = Math.min(this.retryPeriodMs, Math.max(0, renewedAt + this.renewDeadlineMs - Date.now()));
    }
  }

  /** One read-then-conditional-write; true when this process holds the lease afterwards. */
  private async attempt(timeoutMs: number): Promise<boolean> {
    try {
      return await withDeadline(this.tryAcquireOrRenew(), timeoutMs, 'acquiring or renewing the lease');
    } catch (err) {
      const error = toKubeError(err);
      // Losing a race (someone wrote in between) is routine; anything else is worth a log line.
      if (error.kind !== 'conflict' && error.kind !== 'already-exists') {
        this.logger.warn(
          { lease: this.leaseName, err: error.message, kind: error.kind },
          'lease update failed',
        );
      }
      return false;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    const lease = await this.readLease();
    if (!lease) {
      const created = await this.coordination.createNamespacedLease({
        namespace: this.namespace,
        body: {
          metadata: { name: this.leaseName, namespace: this.namespace },
          spec: nextLeaseSpec(undefined, this.identity, this.leaseDurationSeconds, now),
        },
      });
      this.observe(created);
      return true;
    }
    this.observe(lease);
    if (!mayAcquireLease(lease.spec, this.identity, now)) return false;
    // Conditioned on lease.metadata.resourceVersion: a concurrent writer makes this a 409.
    const written = await this.coordination.replaceNamespacedLease({
      name: this.leaseName,
      namespace: this.namespace,
      body: { ...lease, spec: nextLeaseSpec(lease.spec, this.identity, this.leaseDurationSeconds, now) },
    });
    this.observe(written);
    return leaseHolder(written.spec) === this.identity;
  }

  private async readLease(): Promise<V1Lease | undefined> {
    try {
      return await this.coordination.readNamespacedLease({ name: this.leaseName, namespace: this.namespace });
    } catch (err) {
      if (toKubeError(err).kind === 'not-found') return undefined;
      throw err;
    }
  }

  private observe(lease: V1Lease | undefined): void {
    const holder = leaseHolder(lease?.spec);
    if (holder === this.observedHolder) return;
    this.observedHolder = holder;
    this.logger.info({ lease: this.leaseName, holder: holder ?? null }, 'lease holder changed');
    try {
      this.options.onNewLeader?.(holder);
    } catch (err) {
      this.logger.warn({ lease: this.leaseName, err: String(err) }, 'onNewLeader threw');
    }
  }

  private becomeLeader(): void {
    if (this.leadership) return;
    const leadership = new AbortController();
    this.leadership = leadership;
    this.logger.info({ lease: this.leaseName, identity: this.identity }, 'started leading');
    try {
      void Promise.resolve(this.options.onStartedLeading?.(leadership.signal)).catch((err: unknown) => {
        this.logger.warn({ lease: this.leaseName, err: String(err) }, 'onStartedLeading failed');
      });
    } catch (err) {
      this.logger.warn({ lease: this.leaseName, err: String(err) }, 'onStartedLeading threw');
    }
  }

  private stepDown(why: 'lost' | 'stopped'): void {
    const leadership = this.leadership;
    if (!leadership) return;
    this.leadership = undefined;
    leadership.abort(new Error(`leadership ${why}`));
    this.logger.info({ lease: this.leaseName, identity: this.identity, why }, 'stopped leading');
    try {
      this.options.onStoppedLeading?.();
    } catch (err) {
      this.logger.warn({ lease: this.leaseName, err: String(err) }, 'onStoppedLeading threw');
    }
  }
}
