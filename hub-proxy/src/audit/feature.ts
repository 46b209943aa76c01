import { defineFeature } from '../feature.js';
import { auditConfig } from './config.js';
import { AuditRetention } from './audit-retention.js';
import { DayPartitionedAuditStore } from './audit-store.js';
import { AuditWriteQueue } from './audit-write-queue.js';
import { auditRecorder } from './audit-recorder.js';
import { KubernetesAuditDays } from './kubernetes-audit-days.js';
import { LocalAuditDays } from './local-audit-days.js';
import { auditRoutes } from './routes.js';

/**
 * The audit log: every state-changing API call, refused ones included,
 * recorded through the app's request observers into a write-behind queue
 * and from there into ConfigMaps per day (Kubernetes) or files per day
 * (local); read by admins through `/api/v1/admin/audit`.
 */
export const auditFeature = defineFeature({
  name: 'audit',
  config: auditConfig,
  create(context, settings) {
    const logger = context.logger.child({ component: 'audit' });
    const days = context.cluster
      ? new KubernetesAuditDays(context.cluster.clients)
      : new LocalAuditDays(settings.auditDir);
    const store = new DayPartitionedAuditStore(days);
    const queue = new AuditWriteQueue({ store, logger });
    const retention = new AuditRetention({ store, retentionDays: settings.auditRetentionDays, logger });
    queue.start();
    retention.start();
    return {
      routes: auditRoutes(store, settings.auditRetentionDays),
      requestObservers: [auditRecorder(queue)],
      statusProviders: {
        audit: () => ({
          store: context.cluster ? 'configmaps' : settings.auditDir,
          retentionDays: settings.auditRetentionDays,
          queued: queue.pending,
        }),
      },
      shutdownHooks: [
        { name: 'stop the audit retention sweeps', run: () => retention.stop() },
        { name: 'write the queued audit entries', run: () => queue.close() },
      ],
    };
  },
});
