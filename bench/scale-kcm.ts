import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../tests/support/ports.js';
import { metricSamples, metricValue } from './prometheus-text.js';

/**
 * kube-controller-manager's CronJob controller, as its own `/metrics` shows it.
 * It is where a schedule turns into a Job, so the fire test reads it to tell
 * a controller that is behind from a run that is lost.
 */
export interface CronJobControllerFigures {
  /** CronJobs due for a sync and not yet taken (`workqueue_depth{name="cronjob"}`). */
  queueDepth: number;
  /** Syncs queued so far (`workqueue_adds_total`). */
  adds: number;
  /** Mean time a CronJob waited in the queue before its sync, in seconds. */
  queueWaitMeanSeconds: number;
  /** Jobs made from a schedule, and the mean and largest bucket of their delay after the scheduled time. */
  jobsCreated: number;
  creationSkewMeanSeconds: number;
  /** The smallest bucket bound (1, 2, 4 … 512 s, or +Inf) that holds every Job's delay. */
  creationSkewMaxBucketSeconds: number;
}

/**
 * Flags that make kube-controller-manager serve `/metrics` on a free
 * loopback port, over TLS with a self-signed certificate and without
 * authentication for that path only (appended after the control plane's own
 * flags, so `--secure-port` overrides its 0).
 */
export async function controllerManagerMetricsFlags(): Promise<{ port: number; flags: string[] }> {
  const port = await freePort();
  return {
    port,
    flags: [
      `--secure-port=${port}`,
      `--cert-dir=${mkdtempSync(join(tmpdir(), 'turing-kcm-'))}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    ],
  };
}

/** Reads the CronJob controller's figures from kube-controller-manager on `port`. */
export async function cronJobControllerFigures(port: number): Promise<CronJobControllerFigures> {
  const text = await metricsText(port);
  const queue = { name: 'cronjob' };
  const skew = 'cronjob_controller_job_creation_skew_duration_seconds';
  const jobsCreated = metricValue(text, `${skew}_count`);
  const full = metricSamples(text, `${skew}_bucket`)
    .filter((b) => b.value >= jobsCreated)
    .map((b) => Number(b.labels.le === '+Inf' ? Infinity : b.labels.le))
    .sort((a, b) => a - b);
  return {
    queueDepth: metricValue(text, 'workqueue_depth', queue),
    adds: metricValue(text, 'workqueue_adds_total', queue),
    queueWaitMeanSeconds:
      metricValue(text, 'workqueue_queue_duration_seconds_sum', queue) /
      metricValue(text, 'workqueue_queue_duration_seconds_count', queue),
    jobsCreated,
    creationSkewMeanSeconds: metricValue(text, `${skew}_sum`) / jobsCreated,
    creationSkewMaxBucketSeconds: jobsCreated > 0 ? (full[0] ?? NaN) : NaN,
  };
}

/**
 * Waits until the CronJob controller's queue is empty (every CronJob synced
 * since its last change), up to `timeoutMs`; returns how long that took and
 * whether it got there.
 */
export async function waitForCronJobQueue(
  port: number,
  timeoutMs: number,
): Promise<{ seconds: number; drained: boolean; depthAtStart: number }> {
  const start = Date.now();
  const depthAtStart = (await cronJobControllerFigures(port)).queueDepth;
  let depth = depthAtStart;
  while (depth > 0 && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 2_000));
    depth = (await cronJobControllerFigures(port)).queueDepth;
  }
  return { seconds: (Date.now() - start) / 1000, drained: depth === 0, depthAtStart };
}

function metricsText(port: number): Promise<string> {
  return new Promise((resolveText, reject) => {
    // Loopback, a self-signed certificate made by the controller manager, and only metrics read.
    const req = request(
      { host: '127.0.0.1', port, path: '/metrics', rejectUnauthorized: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolveText(body) : reject(new Error(`/metrics: ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('/metrics: timed out')));
    req.on('error', reject);
    req.end();
  });
}
