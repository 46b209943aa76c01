/**
 * The gateway's Prometheus metrics, per model and version. Only models the
 * gateway knows become label values, so a caller cannot grow the series by
 * inventing names.
 *
 * `turing_model_requests_total` is what a horizontal autoscaler scales on:
 * with the Prometheus Adapter, an external metric
 * `sum(rate(turing_model_requests_total{model="<name>"}[1m]))` divided by
 * the replicas (`AverageValue`) is the request rate per serving replica.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricsRegistry } from '../../observability/metrics.js';

/** The metric objects, one set per registry. */
export interface GatewayMetricSet {
  requests: Counter<'model' | 'version' | 'code'>;
  duration: Histogram<'model' | 'version'>;
  upstreamErrors: Counter<'model' | 'version' | 'reason'>;
  retries: Counter<'model'>;
  inflight: Gauge<'model'>;
}

/** Why an upstream attempt failed, as the `reason` label says it. */
export type UpstreamErrorReason =
  | 'connect_refused'
  | 'connect_timeout'
  | 'reset'
  | 'protocol'
  | 'timeout'
  | 'no_endpoint'
  | 'response_aborted';

const sets = new WeakMap<Registry, GatewayMetricSet>();

/** The gateway metrics registered on `registry` (created on first use; prom-client refuses duplicates). */
export function gatewayMetricSet(registry: Registry = metricsRegistry): GatewayMetricSet {
  let set = sets.get(registry);
  if (!set) {
    set = {
      requests: new Counter({
        name: 'turing_model_requests_total',
        help: 'Calls through the model gateway by model, version served and status code (499: the caller went away).',
        labelNames: ['model', 'version', 'code'] as const,
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'turing_model_request_duration_seconds',
        help: 'Time from receiving a call to the end of its response, by model and version.',
        labelNames: ['model', 'version'] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers: [registry],
      }),
      upstreamErrors: new Counter({
        name: 'turing_model_upstream_errors_total',
        help: 'Failed attempts to reach a serving backend, by model, version and reason.',
        labelNames: ['model', 'version', 'reason'] as const,
        registers: [registry],
      }),
      retries: new Counter({
        name: 'turing_model_upstream_retries_total',
        help: 'Calls sent a second time, to another backend, after a connection failure.',
        labelNames: ['model'] as const,
        registers: [registry],
      }),
      inflight: new Gauge({
        name: 'turing_model_inflight_requests',
        help: 'Calls through the model gateway that have not finished, by model.',
        labelNames: ['model'] as const,
        registers: [registry],
      }),
    };
    sets.set(registry, set);
  }
  return set;
}

/**
 * Label children cached by their values: looking a child up by a joined
 * key is cheaper than prom-client hashing a label object on every call.
 */
export class GatewayMetrics {
  private readonly requestChildren = new Map<string, Counter.Internal>();
  private readonly durationChildren = new Map<string, Histogram.Internal<'model' | 'version'>>();
  private readonly inflightChildren = new Map<string, Gauge.Internal<'model'>>();

  constructor(readonly set: GatewayMetricSet) {}

  /** One finished call. */
  observe(model: string, version: string, code: number, seconds: number): void {
    const key = `${model}\u0000${version}`;
    const requestKey = `${key}\u0000${code}`;
    let counter = this.requestChildren.get(requestKey);
    if (!counter) {
      counter = this.set.requests.labels(model, version, String(code));
      this.requestChildren.set(requestKey, counter);
    }
    counter.inc();
    let histogram = this.durationChildren.get(key);
    if (!histogram) {
      histogram = this.set.duration.labels(model, version);
      this.durationChildren.set(key, histogram);
    }
    histogram.observe(seconds);
  }

  /** Adds `delta` to the model's in-flight calls. */
  inflight(model: string, delta: 1 | -1): void {
    let gauge = this.inflightChildren.get(model);
    if (!gauge) {
      gauge = this.set.inflight.labels(model);
      this.inflightChildren.set(model, gauge);
    }
    gauge.inc(delta);
  }

  /** One failed attempt. */
  upstreamError(model: string, version: string, reason: UpstreamErrorReason): void {
    this.set.upstreamErrors.inc({ model, version, reason });
  }

  /** One retry. */
  retry(model: string): void {
    this.set.retries.inc({ model });
  }
}
