import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type DestinationStream, type Level, type StreamEntry } from 'pino';
import { createArtifactStore, type ArtifactStore } from '../../hub-proxy/src/artifacts/index.js';
import { assembleHubProxy, type AssembledHubProxy } from '../../hub-proxy/src/assemble.js';
import { FEATURES, loadHubProxyConfig, type HubProxyConfig } from '../../hub-proxy/src/features.js';
import { createLogger } from '../../hub-proxy/src/observability/logger.js';
import { startHubProxy, type HubProxyExtras, type HubProxyHandle } from '../../hub-proxy/src/server.js';
import { hubProxyKubeconfig } from './chart-service-account.js';
import type { JupyterHub } from './jupyterhub.js';
import { collectLogFiles, logCaptureFile } from './secrets-scan.js';

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
 * unless `env` says otherwise; no config file is read. One logger serves the
 * features and the HTTP layer; it writes at the configured level to
 * `logDestination` (stdout by default) and, during an integration run, at
 * debug level to a file for the secrets scan (tests/support/secrets-scan.ts),
 * which also gets the local runtime's run logs on {@link InProcessHubProxy.stop}.
 * On the kubernetes runtime, `TURING_KUBECONFIG` names the admin kubeconfig
 * and hub-proxy gets a token of the chart's ServiceAccount in
 * `TURING_NAMESPACE` instead (tests/support/chart-service-account.ts), so it
 * runs with exactly the chart's RBAC.
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
  const env: Record<string, string> = {
    TURING_HUB_API_URL: hub.apiUrl,
    TURING_API_TOKEN: options.serviceToken,
    TURING_LISTEN_PORT: String(options.port),
    // The operations listener (healthz, readyz, metrics) on a free port: tests run side by side.
    TURING_OPS_LISTEN_PORT: '0',
    // The models' API-key listener too, and their local state in a directory of this run's own.
    TURING_MODELS_API_KEY_LISTEN_PORT: '0',
    TURING_MODELS_STATE_DIR: mkdtempSync(join(tmpdir(), 'turing-models-')),
    // What admins edit, and the audit log: per instance, never the checkout's `.turing/`.
    ...adminStatePaths(),
    TURING_RUNTIME: 'local',
    TURING_LOG_LEVEL: 'warn',
    ...options.env,
  };
  if (env.TURING_RUNTIME === 'kubernetes' && env.TURING_KUBECONFIG) {
    env.TURING_KUBECONFIG = await hubProxyKubeconfig(
      env.TURING_KUBECONFIG,
      env.TURING_NAMESPACE ?? 'default',
    );
  }
  const config = loadHubProxyConfig({
    env,
    readFile: () => {
      throw new Error('no config files in tests');
    },
  });
  const startedAt = Date.now();
  const logger = createLogger(loggerSettings(config.logLevel, options.logDestination));
  const assembled = assembleHubProxy(config, FEATURES, logger);
  const proxy = await startHubProxy(config, { ...assembled.extras, ...options.extras, logger });
  return {
    proxy,
    config,
    assembled,
    artifacts: createArtifactStore(config.artifacts),
    base: `${hub.url}/services/turing`,
    async stop() {
      await assembled.releaseLeadership();
      await proxy.shutdown('test done');
      if (config.runtime === 'local') {
        collectLogFiles(join(config.jobs.stateDir, 'logs'), 'run', { modifiedSince: startedAt });
      }
    },
  };
}

/** The configured level to `destination`, plus everything from debug up to the scan file if there is one. */
function loggerSettings(level: HubProxyConfig['logLevel'], destination: DestinationStream | undefined) {
  const scanFile = logCaptureFile('hub-proxy-in-process');
  if (!scanFile) return { level, ...(destination ? { destination } : {}) };
  // Synchronous: lines logged while the worker exits are not lost, and there is no stream to end.
  const streams: StreamEntry<Level>[] = [
    {
      level: level === 'trace' ? 'trace' : 'debug',
      stream: pino.destination({ dest: scanFile, sync: true }),
    },
  ];
  if (level !== 'silent') streams.push({ level, stream: destination ?? pino.destination(1) });
  return { level: level === 'trace' ? 'trace' : 'debug', destination: pino.multistream(streams) };
}

/** Temporary homes of the editable catalog, the quotas and the audit log (local runtime). */
function adminStatePaths(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'turing-admin-state-'));
  return {
    TURING_EDITABLE_CATALOG: join(dir, 'catalog.yaml'),
    TURING_QUOTAS_PATH: join(dir, 'quotas.json'),
    TURING_AUDIT_DIR: join(dir, 'audit'),
  };
}
