import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../../observability/metrics.js';

/**
 * `turing_run_log_upstreams`: `pods/log` follow streams hub-proxy holds to
 * the API server now, one per followed run however many viewers it has.
 */
const upstreams = new Gauge({
  name: 'turing_run_log_upstreams',
  help: 'Live run-log streams (pods/log?follow) open to the Kubernetes API, one per followed run.',
  registers: [metricsRegistry],
});

/** `turing_run_log_upstreams_opened_total`: such streams opened since start. */
const opened = new Counter({
  name: 'turing_run_log_upstreams_opened_total',
  help: 'Live run-log streams (pods/log?follow) opened to the Kubernetes API since start.',
  registers: [metricsRegistry],
});

/** Records an upstream opening or closing (`SharedLogFollowerOptions.onUpstream`). */
export function recordRunLogUpstream(event: 'open' | 'close'): void {
  if (event === 'open') {
    upstreams.inc();
    opened.inc();
  } else {
    upstreams.dec();
  }
}
