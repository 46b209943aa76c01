import { Histogram } from 'prom-client';
import { metricsRegistry } from '../../observability/metrics.js';

/**
 * `turing_scheduled_run_delay_seconds`: from a schedule's tick to its run's
 * Job created by the ScheduleFirer. A rising tail means the leader (or the
 * API server) cannot keep up with the boundaries' bursts.
 */
const delay = new Histogram({
  name: 'turing_scheduled_run_delay_seconds',
  help: 'Seconds from a schedule tick to the creation of its run Job (kubernetes runtime).',
  buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

/** Records one scheduled run started (`KubernetesJobRuntimeOptions.onScheduledRunStarted`). */
export function recordScheduledRunStarted(_tick: Date, lateSeconds: number): void {
  delay.observe(lateSeconds);
}
