import type { KubernetesObject } from '@kubernetes/client-node';
import { KubernetesAuditDays } from '../../hub-proxy/src/audit/kubernetes-audit-days.js';
import { auditEntryFixture } from '../../hub-proxy/src/audit/testing/audit-entry-fixture.js';
import { ConfigMapDocumentStore } from '../../hub-proxy/src/documents/index.js';
import { watchGpuCapacity } from '../../hub-proxy/src/environments/index.js';
import { InformerCache, LeaderElector, type InformerMetricsHooks } from '../../hub-proxy/src/k8s/index.js';
import type { WatchOptions } from '../../hub-proxy/src/k8s/cluster.js';
import { eventually } from '../support/eventually.js';
import {
  forbidden,
  isForbiddenMessage,
  rule,
  unlessMissing,
  type BaseObjects,
  type HubProxyAsServiceAccount,
  type HubProxyOperation,
} from './rbac-hub-proxy.js';
import { jobOperations } from './rbac-job-operations.js';
import { modelOperations } from './rbac-model-operations.js';

/** hub-proxy's default `leaseName`, which the chart configures for a release named `turing`. */
export const LEASE_NAME = 'turing-hub-proxy-controllers';
/** hub-proxy's default `catalogConfigMap` (likewise). */
const CATALOG_CONFIG_MAP = 'turing-catalog';

/**
 * Every operation of hub-proxy against the API server that the chart's
 * RBAC must allow, one per (resource, verb) the Role and ClusterRole grant,
 * each done by hub-proxy's own code as the chart's ServiceAccount.
 */
export function hubProxyOperations(hp: HubProxyAsServiceAccount, base: BaseObjects): HubProxyOperation[] {
  return [
    ...leaseOperations(hp),
    ...jobOperations(hp, base),
    ...modelOperations(hp, base),
    ...settingsOperations(hp),
    ...gpuOperations(hp),
  ];
}

/** Leader election over the controllers' Lease (k8s/leader-election.ts). */
function leaseOperations(hp: HubProxyAsServiceAccount): HubProxyOperation[] {
  const leases = rule('coordination.k8s.io', 'leases');
  /** A new replica's elector, until it leads; then it hands the Lease back. */
  const elect = async (): Promise<void> => {
    const since = Date.now();
    const elector = new LeaderElector({
      clients: hp.clients,
      leaseName: LEASE_NAME,
      identity: hp.fresh('replica'),
      leaseDurationSeconds: 2,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
      renewIntervalMs: 500,
      logger: hp.logs,
    });
    elector.start();
    try {
      await eventually('leadership', 15_000, () => {
        const refused = hp.logs.find(
          since,
          (l) => l.fields.lease === LEASE_NAME && isForbiddenMessage(l.fields.err),
        );
        if (refused) throw forbidden(String(refused.fields.err));
        return elector.isLeader || undefined;
      });
    } finally {
      await elector.release();
    }
  };
  return [
    { grant: leases('get'), name: 'a replica reads the controllers’ Lease', run: elect },
    {
      grant: leases('update'),
      name: 'a replica takes the released controllers’ Lease',
      prepare: elect,
      run: elect,
    },
    {
      grant: leases('create'),
      name: 'the first replica creates the controllers’ Lease',
      prepare: () =>
        unlessMissing(
          hp.admin.coordination.deleteNamespacedLease({ namespace: hp.namespace, name: LEASE_NAME }),
        ),
      run: elect,
    },
  ];
}

/** What admins edit and the audit log, in ConfigMaps (documents/, audit/). */
function settingsOperations(hp: HubProxyAsServiceAccount): HubProxyOperation[] {
  const { admin, namespace } = hp;
  const configMaps = rule('', 'configmaps');
  const catalog = () =>
    new ConfigMapDocumentStore({
      clients: hp.clients,
      name: CATALOG_CONFIG_MAP,
      key: 'catalog.yaml',
      seed: () => 'environments: []\n',
      logger: hp.logs,
    });
  const auditDays = () => new KubernetesAuditDays(hp.clients);
  const entry = () =>
    auditEntryFixture({ id: hp.fresh('entry'), time: new Date().toISOString(), requestId: 'rbac' });
  let day = '';

  /** Another replica's view: the catalog's watch reports an edit made elsewhere (here by the admin). */
  const followCatalogEdits = async () => {
    const since = Date.now();
    const versions: string[] = [];
    const stop = catalog().watch((doc) => versions.push(doc.version));
    try {
      await eventually('the catalog listed', 10_000, () => versions.length > 0 || undefined);
      const current = await admin.core.readNamespacedConfigMap({ namespace, name: CATALOG_CONFIG_MAP });
      await admin.core.replaceNamespacedConfigMap({
        namespace,
        name: CATALOG_CONFIG_MAP,
        body: { ...current, data: { 'catalog.yaml': `# ${hp.fresh('edit')}\n` } },
      });
      // A refused watch is logged before the next list could report the edit.
      await eventually('the edit seen through the watch', 10_000, () => {
        const refused = hp.logs.find(
          since,
          (l) => l.message.startsWith('ConfigMap watch') && isForbiddenMessage(l.fields.err),
        );
        if (refused) throw forbidden(`watch of configmaps refused: ${String(refused.fields.err)}`);
        return new Set(versions).size > 1 || undefined;
      });
    } finally {
      stop();
    }
  };

  return [
    { grant: configMaps('get'), name: 'reading the catalog', run: async () => void (await catalog().read()) },
    {
      grant: configMaps('list'),
      name: 'listing the audit log’s days',
      run: async () => void (await auditDays().days()),
    },
    {
      grant: configMaps('watch'),
      name: 'following catalog edits made elsewhere',
      prepare: async () => void (await catalog().read()),
      run: followCatalogEdits,
    },
    {
      grant: configMaps('create'),
      name: 'seeding the catalog when it is missing',
      prepare: () =>
        unlessMissing(admin.core.deleteNamespacedConfigMap({ namespace, name: CATALOG_CONFIG_MAP })),
      run: async () => void (await catalog().read()),
    },
    {
      grant: configMaps('update'),
      name: 'saving an admin’s catalog edit',
      run: async () => {
        const store = catalog();
        const current = await store.read();
        await store.write(`${current.text}# edited\n`, current.version);
      },
    },
    {
      grant: configMaps('patch'),
      name: 'appending to the audit log',
      run: () => auditDays().append('2030-01-01', [entry()]),
    },
    {
      grant: configMaps('deletecollection'),
      name: 'dropping an audit day past retention',
      prepare: async () => {
        day = `2030-02-${String((hp.serial() % 28) + 1).padStart(2, '0')}`;
        await auditDays().append(day, [entry()]);
      },
      run: () => auditDays().delete(day),
    },
  ];
}

/** Live GPU availability's caches of every node and every pod (environments/gpu-caches.ts). */
function gpuOperations(hp: HubProxyAsServiceAccount): HubProxyOperation[] {
  const nodes = rule('', 'nodes', 'ClusterRole');
  const pods = rule('', 'pods', 'ClusterRole');
  const gpuCaches = (hooks: InformerMetricsHooks) =>
    watchGpuCapacity({
      clients: hp.clients,
      // As the Cluster builds them, left for `follow` to start.
      watch: <T extends KubernetesObject>(_label: string, options: WatchOptions<T>) =>
        new InformerCache<T>({ ...options, ...hooks, kubeConfig: hp.clients.kubeConfig, logger: hp.logs }),
    });
  return [
    {
      grant: nodes('list'),
      name: 'the GPU availability node cache lists',
      run: () => hp.follow((hooks) => gpuCaches(hooks).nodes),
    },
    {
      grant: nodes('watch'),
      name: 'the GPU availability node cache syncs',
      run: () => hp.follow((hooks) => gpuCaches(hooks).nodes),
    },
    {
      grant: pods('list'),
      name: 'the GPU availability pod cache lists every namespace',
      run: () => hp.follow((hooks) => gpuCaches(hooks).clusterPods),
    },
    {
      grant: pods('watch'),
      name: 'the GPU availability pod cache syncs',
      run: () => hp.follow((hooks) => gpuCaches(hooks).clusterPods),
    },
  ];
}
