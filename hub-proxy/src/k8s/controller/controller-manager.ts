import { silentKubeLogger, type KubeLogger } from '../kube-logger.js';
import type { ManagedController } from './managed-controller.js';

/** Settings of a {@link ControllerManager}. */
export interface ControllerManagerOptions {
  /** The controllers' Lease, usually the process's LeaderElector. */
  leadership: { readonly isLeader: boolean };
  /** How often leadership and readiness are checked, in milliseconds. Default 500. */
  pollMs?: number;
  logger?: KubeLogger;
}

/** What {@link ControllerManager.status} reports. */
export interface ControllerManagerStatus {
  /** Whether the manager last saw this replica leading (false when not following). */
  leading: boolean;
  controllers: { name: string; running: boolean }[];
}

interface Entry {
  controller: ManagedController;
  running: boolean;
}

/**
 * Runs the registered controllers exactly while this replica holds the
 * Lease. One per process, over the process's one LeaderElector.
 *
 * The elector takes its callbacks when constructed, so the manager polls
 * `isLeader` every `pollMs`. That lag is far below the gap between the
 * elector's renew deadline and the Lease's expiry (5 s with 15 s leases),
 * so a replica stops acting before another can take the Lease.
 *
 * While leading, each controller is started once its `ready()` is true
 * (it acts on cache content); on losing the Lease, and on {@link stop},
 * every running one is stopped and waited for. A controller whose start
 * throws is stopped and tried again at the next poll. Each step completes
 * before the next poll, so a controller never starts while it is stopping.
 */
export class ControllerManager {
  private readonly entries: Entry[] = [];
  private readonly pollMs: number;
  private readonly logger: KubeLogger;
  private following = false;
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private step: Promise<void> | undefined;

  constructor(private readonly options: ControllerManagerOptions) {
    this.pollMs = options.pollMs ?? 500;
    this.logger = options.logger ?? silentKubeLogger;
  }

  /** Adds a controller; it starts at the next poll if this replica leads and it is ready. Idempotent. */
  register(controller: ManagedController): void {
    if (this.entries.some((entry) => entry.controller === controller)) return;
    this.entries.push({ controller, running: false });
  }

  /** Begins following leadership (first check at once). No-op while following. */
  start(): void {
    if (this.following) return;
    this.following = true;
    // A step still finishing from before a stop() schedules the next poll itself.
    if (!this.step) this.poll();
  }

  /** Stops following leadership, then stops every running controller and waits for them. */
  async stop(): Promise<void> {
    this.following = false;
    clearTimeout(this.timer);
    await this.step;
    this.leading = false;
    await this.stopAll();
  }

  /** A snapshot for status pages. */
  status(): ControllerManagerStatus {
    return {
      leading: this.leading,
      controllers: this.entries.map(({ controller, running }) => ({ name: controller.name, running })),
    };
  }

  private poll(): void {
    if (!this.following) return;
    this.step = this.follow().finally(() => {
      this.step = undefined;
      if (this.following) this.timer = setTimeout(() => this.poll(), this.pollMs);
    });
  }

  private async follow(): Promise<void> {
    const leading = this.options.leadership.isLeader;
    if (leading !== this.leading) {
      this.logger.info(
        { leading },
        leading ? 'leading: starting controllers' : 'not leading: stopping controllers',
      );
    }
    this.leading = leading;
    if (!leading) return this.stopAll();
    await Promise.all(
      this.entries.filter((entry) => !entry.running && this.isReady(entry)).map((e) => this.startOne(e)),
    );
  }

  private isReady({ controller }: Entry): boolean {
    try {
      return controller.ready();
    } catch (err) {
      this.logger.warn(
        { controller: controller.name, err: String(err) },
        'controller readiness check failed',
      );
      return false;
    }
  }

  private async startOne(entry: Entry): Promise<void> {
    entry.running = true;
    try {
      await entry.controller.start();
    } catch (err) {
      this.logger.warn(
        { controller: entry.controller.name, err: String(err) },
        'controller failed to start; retrying',
      );
      await this.stopOne(entry);
    }
  }

  private stopAll(): Promise<void> {
    return Promise.all(this.entries.filter((entry) => entry.running).map((e) => this.stopOne(e))).then(
      () => undefined,
    );
  }

  private async stopOne(entry: Entry): Promise<void> {
    try {
      await entry.controller.stop();
    } catch (err) {
      this.logger.warn({ controller: entry.controller.name, err: String(err) }, 'controller failed to stop');
    } finally {
      entry.running = false;
    }
  }
}
