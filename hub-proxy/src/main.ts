import { ConfigError, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { startHubProxy } from './server.js';

// Entry point: config once, listen, and drain on SIGTERM/SIGINT.
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const proxy = await startHubProxy(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void proxy.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        proxy.logger.fatal({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
