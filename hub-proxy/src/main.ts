import { assembleHubProxy, AssemblyError, type AssembledHubProxy } from './assemble.js';
import { ConfigError } from './config/load.js';
import { FEATURES, loadHubProxyConfig, type HubProxyConfig } from './features.js';
import { createLogger } from './observability/logger.js';
import { startHubProxy } from './server.js';

// Entry point: config once, the features, listen, and drain on SIGTERM/SIGINT.
let config: HubProxyConfig;
try {
  config = loadHubProxyConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel });
let assembled: AssembledHubProxy;
try {
  // A bad catalog or an unreachable cluster config stops the start with the reason.
  assembled = assembleHubProxy(config, FEATURES, logger);
} catch (err) {
  if (!(err instanceof AssemblyError)) throw err;
  console.error(`hub-proxy: ${err.message}`);
  process.exit(1);
}
const proxy = await startHubProxy(config, assembled.extras);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void assembled
      .releaseLeadership()
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
