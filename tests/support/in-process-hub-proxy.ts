import type { DestinationStream } from 'pino';
import { createArtifactStore, type ArtifactStore } from '../../hub-proxy/src/artifacts/index.js';
import { assembleHubProxy, type AssembledHubProxy } from '../../hub-proxy/src/assemble.js';
import { FEATURES, loadHubProxyConfig, type HubProxyConfig } from '../../hub-proxy/src/features.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { startHubProxy, type HubProxyExtras, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import type { JupyterHub } from './jupyterhub.js';

/** hub-proxy started in the test process with the same assembly as main.ts. */
export interface InProcessHubProxy {
  proxy: HubProxyHandle;
  config: HubProxyConfig;
  assembled: AssembledHubProxy;
  /** The artifact store hub-proxy writes to, opened a second time on the same backend. */
  artifacts: ArtifactStore;
  /** Base URL of the service through the hub's proxy. */
  base: string;
  /** Releases the Lease (if any) and shuts down, as main.ts does on SIGTERM. */
  stop(): Promise<void>;
}

/**
 * Starts hub-proxy in-process as the hub's external `turing` service on
 * `port` (the port the hub routes /services/turing/ to). The local runtime
 * unless `env` says otherwise; no config file is read.
 */
export async function startInProcessHubProxy(
  hub: JupyterHub,
  options: {
    serviceToken: string;
    port: number;
    env?: Record<string, string>;
    logDestination?: DestinationStream;
    extras?: Pick<HubProxyExtras, 'statusProviders'>;
  },
): Promise<InProcessHubProxy> {
  const config = loadHubProxyConfig({
    env: {
      TURING_HUB_API_URL: hub.apiUrl,
      TURING_API_TOKEN: options.serviceToken,
      TURING_LISTEN_PORT: String(options.port),
      TURING_RUNTIME: 'local',
      TURING_LOG_LEVEL: 'warn',
      ...options.env,
    },
    readFile: () => {
      throw new Error('no config files in tests');
    },
  });
  const logger = createLogger({
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const assembled = assembleHubProxy(config, FEATURES, logger);
  const proxy = await startHubProxy(config, { ...assembled.extras, ...options.extras });
  return {
    proxy,
    config,
    assembled,
    artifacts: createArtifactStore(config.artifacts),
    base: `${hub.url}/services/turing`,
    async stop() {
      await assembled.releaseLeadership();
      await proxy.shutdown('test done');
    },
  };
}
