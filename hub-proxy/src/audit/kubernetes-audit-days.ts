import { AppendOnlyConfigMaps } from '../k8s/append-only-config-maps.js';
import type { KubeClients } from '../k8s/kube-clients.js';
import { parseStoredEntry, type AuditEntry } from './audit-entry.js';
import type { AuditDays } from './audit-store.js';

/** Label naming the UTC day an audit ConfigMap holds. */
export const AUDIT_DAY_LABEL = 'turing.dev/audit-day';

/**
 * The Kubernetes runtime's audit days: ConfigMaps `turing-audit-<day>-<n>`
 * labelled `app.kubernetes.io/part-of: turing` and `turing.dev/audit-day`,
 * one key per entry (its id) holding the entry's JSON. See
 * {@link AppendOnlyConfigMaps} for how replicas append side by side.
 */
export class KubernetesAuditDays implements AuditDays {
  private readonly maps: AppendOnlyConfigMaps;

  constructor(clients: Pick<KubeClients, 'core' | 'namespace' | 'fieldManager'>, partBytes?: number) {
    this.maps = new AppendOnlyConfigMaps({
      clients,
      prefix: 'turing-audit',
      groupLabel: AUDIT_DAY_LABEL,
      labels: { 'app.kubernetes.io/part-of': 'turing' },
      ...(partBytes === undefined ? {} : { partBytes }),
    });
  }

  days(): Promise<string[]> {
    return this.maps.groups();
  }

  async read(day: string): Promise<AuditEntry[]> {
    return Object.values(await this.maps.read(day)).flatMap((text) => parseStoredEntry(text));
  }

  append(day: string, entries: readonly AuditEntry[]): Promise<void> {
    return this.maps.append(day, Object.fromEntries(entries.map((e) => [e.id, JSON.stringify(e)])));
  }

  delete(day: string): Promise<void> {
    return this.maps.delete(day);
  }
}
