import { ConfigError, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { createLogger } from './observability/logger.js';
import { startKubernetesRuntime, type KubernetesRuntime } from './runtime/kubernetes-runtime.js';
import { startHubProxy, type HubProxyExtras } from './server.js';

// Entry point: config once, listen, and drain on SIGTERM/SIGINT.
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel });
const extras: HubProxyExtras = { logger };
let kubernetes: KubernetesRuntime | undefined;
if (config.runtime === 'kubernetes') {
  try {
    kubernetes = startKubernetesRuntime(config, logger);
    Object.assign(extras, kubernetes.extras);
  } catch (err) {
    console.error(`hub-proxy: cannot start the Kubernetes runtime: ${(err as Error).message}`);
    process.exit(1);
  }
}
const proxy = await startHubProxy(config, extras);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void (kubernetes?.releaseLeadership() ?? Promise.resolve(false))
      .then(() => proxy.shutdown(signal))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          proxy.logger.fatal({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
}
