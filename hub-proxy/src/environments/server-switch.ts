import type { HubClient, HubServer } from '../auth/hub-client.js';
import { GPU_COUNT_OPTION, GPU_TYPE_OPTION, resolveServerOptions, type Catalog } from './catalog/index.js';
import {
  Conflict,
  InvalidInput,
  NotFound,
  Unavailable,
  UpstreamFailed,
  type FieldError,
} from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { GpuQuotaService, type GpuQuota } from './gpu-quota-service.js';
import type { QuotaSettings } from './quota.js';
import type { SwitchRequest, SwitchResult } from './schemas.js';

export type { SwitchRequest, SwitchResult };

/** Settings and collaborators of {@link ServerSwitchService}. */
export interface ServerSwitchDeps {
  catalog: Catalog;
  quotas: QuotaSettings;
  hub: Pick<HubClient, 'userServers' | 'startServer' | 'stopServer' | 'openProgress'>;
  /** The quota with every GPU holder (job runs); default: servers only, from `catalog`, `quotas` and `hub`. */
  gpuQuota?: GpuQuota;
  /** The service prefix, e.g. `/services/turing/`. */
  servicePrefix: string;
  /** How long to wait for a running server to stop; default 60 s. */
  stopTimeoutMs?: number;
  /** How often to look while waiting; default 250 ms. */
  pollIntervalMs?: number;
  /**
   * How long to wait for the hub to answer the start before answering 202
   * anyway (the hub holds its answer for up to 10 s while the server comes
   * up; the progress stream tells the rest). Default 3 s.
   */
  startAckMs?: number;
}

/** resolveServerOptions names user_options keys; the API names body fields. */
const FIELD_NAMES: Record<string, string> = {
  profile: 'body.environment',
  [GPU_COUNT_OPTION]: 'body.gpus',
  [GPU_TYPE_OPTION]: 'body.gpuType',
};

/**
 * Starts, or restarts, one of a user's servers into a catalog environment
 * through the hub's REST API. Order matters: the selection is validated and
 * the GPU quota checked before anything is stopped, so a refused request
 * leaves the running server alone.
 */
export class ServerSwitchService {
  private readonly stopTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly startAckMs: number;
  private readonly gpuQuota: GpuQuota;

  constructor(private readonly deps: ServerSwitchDeps) {
    this.gpuQuota = deps.gpuQuota ?? new GpuQuotaService(deps);
    this.stopTimeoutMs = deps.stopTimeoutMs ?? 60_000;
    this.pollIntervalMs = deps.pollIntervalMs ?? 250;
    this.startAckMs = deps.startAckMs ?? 3_000;
  }

  /** The progress URL for one of the caller's servers. */
  progressUrl(serverName: string): string {
    return `${this.deps.servicePrefix}api/v1/me/server/progress?serverName=${encodeURIComponent(serverName)}`;
  }

  /**
   * Validates the selection (400 naming `body.environment`, `body.gpus`,
   * `body.gpuType`), checks the quota (403), stops the target server if it
   * runs and waits for it, then asks the hub to start it.
   */
  async switch(user: string, request: SwitchRequest, log?: Logger): Promise<SwitchResult> {
    const { catalog, hub } = this.deps;
    const resolved = resolveServerOptions(catalog, {
      profile: request.environment,
      gpus: request.gpus,
      gpu_type: request.gpuType,
    });
    if (!resolved.ok) {
      throw new InvalidInput(
        resolved.errors.map(
          (e): FieldError => ({ field: FIELD_NAMES[e.field] ?? `body.${e.field}`, message: e.message }),
        ),
        'The environment selection is not offered by the catalog.',
      );
    }
    const { environment, gpus, gpuType, userOptions } = resolved.value;
    const serverName = request.serverName;

    const servers = await this.servers(user);
    await this.gpuQuota.assertWithin(user, {
      gpus,
      exceptServer: serverName,
      servers: servers.values(),
      for: 'this server',
    });

    const current = servers.get(serverName);
    if (current?.pending === 'spawn') {
      throw new Conflict(
        `The server "${serverName || 'default'}" is still starting; try again once it is up.`,
      );
    }
    let restarted = false;
    if (current) {
      log?.info({ user, serverName, from: current.userOptions }, 'stopping the server to switch environment');
      if (current.pending !== 'stop') await hub.stopServer(user, serverName);
      await this.waitUntilStopped(user, serverName);
      restarted = true;
    }
    log?.info({ user, serverName, userOptions }, 'starting the server');
    await this.start(user, serverName, userOptions, log);
    return {
      serverName,
      environment: environment.id,
      gpus,
      ...(gpuType ? { gpuType } : {}),
      userOptions,
      restarted,
      progressUrl: this.progressUrl(serverName),
    };
  }

  /**
   * The hub's progress stream for one of `user`'s servers, to relay as is.
   * Errors before the stream starts are thrown (NotFound, UpstreamFailed).
   */
  async progress(user: string, serverName: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const res = await this.deps.hub.openProgress(user, serverName, signal);
    if (res.status === 404) {
      await res.body?.cancel();
      throw new NotFound(`You have no server named "${serverName}".`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new UpstreamFailed(`The hub answered ${res.status} to a progress request.`);
    }
    return res.body;
  }

  /**
   * Asks the hub to start the server. Refusals come back quickly and are
   * thrown; a start still running after `startAckMs` is left to the hub
   * (its outcome shows in the progress stream and is logged here).
   */
  private async start(
    user: string,
    serverName: string,
    userOptions: Record<string, string>,
    log?: Logger,
  ): Promise<void> {
    const started = this.deps.hub.startServer(user, serverName, userOptions);
    let timer: NodeJS.Timeout | undefined;
    const ack = new Promise<'waiting'>(
      (resolve) => (timer = setTimeout(() => resolve('waiting'), this.startAckMs)),
    );
    try {
      if ((await Promise.race([started, ack])) === 'waiting') {
        started.catch((err: unknown) => log?.warn({ err, user, serverName }, 'server start failed'));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async servers(user: string): Promise<Map<string, HubServer>> {
    const servers = await this.deps.hub.userServers(user);
    if (!servers) throw new NotFound(`The hub has no user "${user}".`);
    return servers;
  }

  private async waitUntilStopped(user: string, serverName: string): Promise<void> {
    const deadline = Date.now() + this.stopTimeoutMs;
    for (;;) {
      const server = (await this.servers(user)).get(serverName);
      if (!server) return;
      if (Date.now() > deadline) {
        throw new Unavailable(
          `The server "${serverName || 'default'}" did not stop within ${Math.round(this.stopTimeoutMs / 1000)} s.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }
}
