import type { HubClient, HubServer } from '../auth/hub-client.js';
import type { Catalog } from './catalog/index.js';
import {
  GpuQuotaExceededError,
  maxGpusFor,
  serverGpus,
  type GpuQuotaUsage,
  type QuotaSettings,
} from './quota.js';

/**
 * Something besides the user's servers that holds their GPUs (active job
 * runs), registered by the feature that starts it.
 */
export interface GpuHolder {
  /** What holds the GPUs, for messages: `job runs` ("1 by your job runs"). */
  readonly label: string;
  /** How the user frees some, for messages: `cancel a run`. */
  readonly remedy?: string;
  gpusHeldBy(user: string): Promise<number>;
}

/** A user's GPU use against their quota, by what holds it. */
export interface GpuQuotaBreakdown extends GpuQuotaUsage {
  /** GPUs of the user's servers (all, or all but the one being restarted). */
  servers: number;
  /** GPUs of each registered holder, in registration order. */
  holders: { label: string; gpus: number }[];
}

/** A request for GPUs checked against the quota. */
export interface GpuRequest {
  gpus: number;
  /** Names what asks, for the message: `this run`, `this server`. */
  for: string;
  /** A server being (re)started: its own current GPUs do not count, they are released first. */
  exceptServer?: string;
  /** The user's servers when the caller has them already (saves a hub call). */
  servers?: Iterable<HubServer>;
}

/**
 * The per-user GPU quota, as one feature offers it to others (the
 * `GPU_QUOTA` service key): everything that holds a user's GPUs counts
 * together, so starting servers, running jobs and the hub's own spawn form
 * draw on one allowance.
 */
export interface GpuQuota {
  /** The most GPUs `user` may hold at once (the `gpus` quota). */
  maxGpus(user: string): Promise<number>;
  /** Counts `holder`'s GPUs in every later check. */
  addHolder(holder: GpuHolder): void;
  usage(user: string, options?: Pick<GpuRequest, 'exceptServer' | 'servers'>): Promise<GpuQuotaBreakdown>;
  /**
   * Refuses (403 `gpu-quota-exceeded`, quota `gpus`, with a message naming
   * what holds the GPUs) when what `user` holds plus `request.gpus` exceeds the quota.
   * Zero GPUs always fit, without counting anything: then it resolves to undefined.
   */
  assertWithin(user: string, request: GpuRequest): Promise<GpuQuotaBreakdown | undefined>;
}

/** Where a user's GPU limit comes from: the quotas feature's live policy, or fixed settings. */
export type GpuLimitSource = { maxGpus: (user: string) => Promise<number> } | { quotas: QuotaSettings };

/** {@link GpuQuota} over the hub's view of servers and the registered holders. */
export class GpuQuotaService implements GpuQuota {
  private readonly holders: GpuHolder[] = [];

  constructor(
    private readonly deps: {
      catalog: Catalog;
      hub: Pick<HubClient, 'userServers'>;
    } & GpuLimitSource,
  ) {}

  maxGpus(user: string): Promise<number> {
    return 'maxGpus' in this.deps
      ? this.deps.maxGpus(user)
      : Promise.resolve(maxGpusFor(this.deps.quotas, user));
  }

  addHolder(holder: GpuHolder): void {
    this.holders.push(holder);
  }

  async usage(
    user: string,
    options: Pick<GpuRequest, 'exceptServer' | 'servers'> = {},
  ): Promise<GpuQuotaBreakdown> {
    // A name the hub does not know (a service) has no servers.
    const servers = options.servers ?? (await this.deps.hub.userServers(user))?.values() ?? [];
    let serverTotal = 0;
    for (const server of servers) {
      if (server.name !== options.exceptServer)
        serverTotal += serverGpus(this.deps.catalog, server.userOptions);
    }
    const [holders, maxGpus] = await Promise.all([
      Promise.all(
        this.holders.map(async (holder) => ({ label: holder.label, gpus: await holder.gpusHeldBy(user) })),
      ),
      this.maxGpus(user),
    ]);
    const usedGpus = holders.reduce((sum, holder) => sum + holder.gpus, serverTotal);
    return {
      maxGpus,
      usedGpus,
      remainingGpus: Math.max(0, maxGpus - usedGpus),
      servers: serverTotal,
      holders,
    };
  }

  async assertWithin(user: string, request: GpuRequest): Promise<GpuQuotaBreakdown | undefined> {
    // Zero GPUs always fit, even over a lowered quota: nothing to count.
    if (request.gpus <= 0) return undefined;
    const usage = await this.usage(user, request);
    if (usage.usedGpus + request.gpus > usage.maxGpus) {
      throw new GpuQuotaExceededError(this.refusal(usage, request), usage.maxGpus, usage.usedGpus);
    }
    return usage;
  }

  /** "GPU quota exceeded: you have 2 of 2 GPUs in use (1 on your servers, 1 by your job runs), ..." */
  private refusal(usage: GpuQuotaBreakdown, request: GpuRequest): string {
    const servers = request.exceptServer === undefined ? 'your servers' : 'your other servers';
    const held = usage.holders.filter((holder) => holder.gpus > 0);
    const where =
      held.length === 0
        ? `on ${servers}`
        : `(${[`${usage.servers} on ${servers}`, ...held.map((h) => `${h.gpus} by your ${h.label}`)].join(', ')})`;
    const remedies = [
      'stop a server',
      ...this.holders.flatMap((holder) =>
        holder.remedy && held.some((h) => h.label === holder.label) ? [holder.remedy] : [],
      ),
      'ask for fewer GPUs',
    ];
    const advice =
      remedies.length === 2
        ? `${remedies[0]} or ${remedies[1]}`
        : `${remedies.slice(0, -1).join(', ')}, or ${remedies.at(-1)}`;
    return (
      `GPU quota exceeded: you have ${usage.usedGpus} of ${usage.maxGpus} GPUs in use ${where}, ` +
      `and ${request.for} needs ${request.gpus} more. ${advice.charAt(0).toUpperCase()}${advice.slice(1)}.`
    );
  }
}
