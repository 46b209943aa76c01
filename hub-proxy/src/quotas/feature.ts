import {
  ConfigMapDocumentStore,
  FileDocumentStore,
  type VersionedDocumentStore,
} from '../documents/index.js';
import { defineFeature, ServiceKey } from '../feature.js';
import { quotasConfig } from './config.js';
import { QuotaPolicy } from './quota-policy.js';
import { quotasText } from './quotas-document.js';
import { quotaRoutes } from './routes.js';
import { seedQuotas } from './seed.js';

/**
 * The live quotas. Features check their requests against it
 * (`limitsFor`, `assertWithin`) and register how they count what a user
 * holds (`registerUsage`), so the admin and `me` views show the same use
 * the checks refuse on.
 */
export const QUOTAS = new ServiceKey<QuotaPolicy>('quotas.policy');

/** The ConfigMap key (and file format) of the document. */
const DOCUMENT_KEY = 'quotas.json';

/**
 * Quotas per user and per hub group, with defaults, in a document admins
 * edit: ConfigMap `quotasConfigMap` on Kubernetes, the file `quotasPath`
 * locally, seeded from the `quotas` config. First in the feature list:
 * every other feature checks against it.
 */
export const quotasFeature = defineFeature({
  name: 'quotas',
  config: quotasConfig,
  create(context, settings) {
    // artifacts.maxOwnerBytes is what the artifactBytes quota replaces: it seeds the default.
    const seed = seedQuotas(settings.quotas, { artifactBytes: context.config.artifacts.maxOwnerBytes });
    const log = context.logger.child({ component: 'quotas' });
    const store: VersionedDocumentStore = context.cluster
      ? new ConfigMapDocumentStore({
          clients: context.cluster.clients,
          name: settings.quotasConfigMap,
          key: DOCUMENT_KEY,
          seed: () => quotasText(seed),
          logger: log,
        })
      : new FileDocumentStore({ path: settings.quotasPath, seed: () => quotasText(seed) });
    const policy = new QuotaPolicy({
      store,
      groups: (user) => context.hub.userGroups(user),
      fallback: seed,
      logger: log,
    });
    policy.start();
    context.provide(QUOTAS, policy);
    return {
      routes: quotaRoutes(policy),
      shutdownHooks: [{ name: 'stop following the quotas', run: () => policy.stop() }],
    };
  },
});
