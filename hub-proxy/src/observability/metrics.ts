import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process-wide Prometheus registry. Module-level on purpose: other layers
 * (e.g. `k8s/`) record through the small functions below without plumbing.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'turing_' });

const httpDuration = new Histogram({
  name: 'turing_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern (never the raw URL) and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const kubeRequests = new Counter({
  name: 'turing_kube_requests_total',
  help: 'Kubernetes API calls by verb, resource and response code.',
  labelNames: ['verb', 'resource', 'code'] as const,
  registers: [metricsRegistry],
});

const kubeDuration = new Histogram({
  name: 'turing_kube_request_duration_seconds',
  help: 'Kubernetes API call duration by verb and resource.',
  labelNames: ['verb', 'resource'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const informerEvents = new Counter({
  name: 'turing_informer_events_total',
  help: 'Watch events seen by informers, by resource and event type.',
  labelNames: ['resource', 'event'] as const,
  registers: [metricsRegistry],
});

const informerRestarts = new Counter({
  name: 'turing_informer_restarts_total',
  help: 'Informer restarts after a watch error, by resource.',
  labelNames: ['resource'] as const,
  registers: [metricsRegistry],
});

const informerSynced = new Gauge({
  name: 'turing_informer_synced',
  help: '1 when the informer for a resource has completed its initial list.',
  labelNames: ['resource'] as const,
  registers: [metricsRegistry],
});

const cacheEntries = new Gauge({
  name: 'turing_cache_entries',
  help: 'Entries held by an in-memory cache, by cache name.',
  labelNames: ['cache'] as const,
  registers: [metricsRegistry],
});

const cacheLookups = new Counter({
  name: 'turing_cache_lookups_total',
  help: 'Cache lookups by cache name and result (hit or miss).',
  labelNames: ['cache', 'result'] as const,
  registers: [metricsRegistry],
});

const hubRequests = new Counter({
  name: 'turing_hub_requests_total',
  help: 'JupyterHub REST API calls by endpoint and status ("error" when unreachable).',
  labelNames: ['endpoint', 'status'] as const,
  registers: [metricsRegistry],
});

/** Records one HTTP request. `route` must be a pattern such as `/api/v1/jobs/:name`. */
export function observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
  httpDuration.observe({ method, route, status: String(status) }, seconds);
}

/** One Kubernetes API call, for the `k8s/` layer. */
export interface KubeCall {
  /** get, list, watch, create, patch, apply, delete, ... */
  verb: string;
  /** Plural resource, e.g. `notebookjobs`, `jobs`, `leases`. */
  resource: string;
  /** HTTP status code, or a short error class such as `timeout` or `network`. */
  code: number | string;
  /** Absent for long-lived calls such as watches, whose duration means nothing. */
  durationSeconds?: number;
}

/** Records one Kubernetes API call (count by code, duration by verb and resource). */
export function observeKubeRequest(call: KubeCall): void {
  kubeRequests.inc({ verb: call.verb, resource: call.resource, code: String(call.code) });
  if (call.durationSeconds !== undefined) {
    kubeDuration.observe({ verb: call.verb, resource: call.resource }, call.durationSeconds);
  }
}

/** Counts one watch event (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`). */
export function recordInformerEvent(resource: string, event: string): void {
  informerEvents.inc({ resource, event });
}

/** Counts one informer restart after an error. */
export function recordInformerRestart(resource: string): void {
  informerRestarts.inc({ resource });
}

/** Marks whether the informer for `resource` has synced. */
export function setInformerSynced(resource: string, synced: boolean): void {
  informerSynced.set({ resource }, synced ? 1 : 0);
}

/** Reports the current number of entries in a named cache. */
export function setCacheSize(cache: string, entries: number): void {
  cacheEntries.set({ cache }, entries);
}

/** Counts one lookup in a named cache. */
export function recordCacheLookup(cache: string, hit: boolean): void {
  cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
}

/** Counts one call to the hub REST API. */
export function recordHubRequest(endpoint: string, status: number | 'error'): void {
  hubRequests.inc({ endpoint, status: String(status) });
}

const auditWriteFailures = new Counter({
  name: 'turing_audit_write_failures_total',
  help: 'Failed writes of a batch of audit entries to the audit store (each is retried).',
  registers: [metricsRegistry],
});

const auditEntriesWritten = new Counter({
  name: 'turing_audit_entries_written_total',
  help: 'Audit entries written to the audit store.',
  registers: [metricsRegistry],
});

const auditEntriesDropped = new Counter({
  name: 'turing_audit_entries_dropped_total',
  help: 'Audit entries lost: the queue was full (overflow) or still held them at shutdown (shutdown).',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

const auditQueueEntries = new Gauge({
  name: 'turing_audit_queue_entries',
  help: 'Audit entries waiting to be written.',
  registers: [metricsRegistry],
});

/** Counts one failed write of a batch of audit entries. */
export function recordAuditWriteFailure(): void {
  auditWriteFailures.inc();
}

/** Counts audit entries written. */
export function recordAuditEntriesWritten(count: number): void {
  auditEntriesWritten.inc(count);
}

/** Counts audit entries lost, by why. */
export function recordAuditEntriesDropped(reason: 'overflow' | 'shutdown', count: number): void {
  auditEntriesDropped.inc({ reason }, count);
}

/** Reports how many audit entries wait to be written. */
export function setAuditQueueSize(entries: number): void {
  auditQueueEntries.set(entries);
}
