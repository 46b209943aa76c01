import { assembleHubProxy, type AssembledHubProxy } from './assemble.js';
import { CatalogError, loadCatalog, type Catalog } from './environments/catalog/index.js';
import { ConfigError, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { createLogger } from './observability/logger.js';
import { startHubProxy } from './server.js';

// Entry point: config and catalog once, listen, and drain on SIGTERM/SIGINT.
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

// The catalog is read once; a bad one stops the start with every problem listed.
let catalog: Catalog;
try {
  catalog = loadCatalog(config.catalogPath, config.compatibilityPath);
} catch (err) {
  if (!(err instanceof CatalogError)) throw err;
  console.error(`hub-proxy: ${err.message}`);
  process.exit(1);
}

const logger = createLogger({ level: config.logLevel });
logger.info(
  { catalog: config.catalogPath, environments: catalog.environments.length },
  'environment catalog loaded',
);
let assembled: AssembledHubProxy;
try {
  assembled = assembleHubProxy(config, catalog, logger);
} catch (err) {
  console.error(`hub-proxy: cannot start the Kubernetes runtime: ${(err as Error).message}`);
  process.exit(1);
}
const { extras, kubernetes } = assembled;
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
