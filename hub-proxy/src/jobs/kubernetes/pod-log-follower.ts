import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { isTerminal, type RunState } from '../model.js';
import { JOB_NAME_POD_LABEL, RUNNER_CONTAINER } from './batch-manifests.js';
import { SharedLogFollower, type SharedLogFollowerOptions } from './shared-log-follower.js';

/** Opens the follow stream of one container's log (k8s/pod-log-stream.ts's `followPodLog`). */
export type OpenPodLog = (
  pod: string,
  container: string,
  signal: AbortSignal,
) => Promise<AsyncIterable<Uint8Array>>;

/** The pods a {@link RunPodLogs} can see: the owned-pods cache (trimmed pods are enough). */
export interface RunPodSource {
  get(name: string): V1Pod | undefined;
  list(filter: { labelSelector: Record<string, string> }): V1Pod[];
}

/** Settings of a {@link RunPodLogs}. */
export interface RunPodLogsOptions extends SharedLogFollowerOptions {
  pods: RunPodSource;
  /** The run's state from the cache; undefined when its Job is gone. */
  runState(runId: string): RunState | undefined;
  open: OpenPodLog;
  /** How often the caches are looked at (pod running? run over?). Default 250 ms. */
  pollMs?: number;
  /**
   * How long a stream is kept after its pod stopped running, for the last
   * lines (a kubelet ends the stream itself when the container exits; a
   * fake one may not). Default 500 ms.
   */
  drainMs?: number;
  /** Failed opens in a row before the upstream gives up (viewers then get the stored log later). Default 5. */
  maxFailures?: number;
}

/**
 * Live logs of Kubernetes runs: one `pods/log?follow=true` stream per run,
 * shared by all of its viewers ({@link SharedLogFollower}). The upstream of
 * a run waits (in the caches) for the run's pod to be Running, follows its
 * runner container, and moves on to the next pod if the Job retries. It
 * ends when the run does. A connection that breaks while the pod runs is
 * reopened, skipping the bytes already delivered, so viewers see each line once.
 */
export class RunPodLogs {
  private readonly shared: SharedLogFollower;
  private readonly pollMs: number;
  private readonly drainMs: number;
  private readonly maxFailures: number;

  constructor(private readonly options: RunPodLogsOptions) {
    this.shared = new SharedLogFollower(options);
    this.pollMs = options.pollMs ?? 250;
    this.drainMs = options.drainMs ?? 500;
    this.maxFailures = options.maxFailures ?? 5;
  }

  /** Runs whose log is being followed upstream now. */
  get openUpstreams(): number {
    return this.shared.openUpstreams;
  }

  /** The run's log as it grows (see {@link SharedLogFollower.follow}). */
  follow(runId: string, signal: AbortSignal): AsyncIterable<string> {
    return this.shared.follow(runId, (upstream) => this.upstream(runId, upstream), signal);
  }

  /** Closes every upstream. */
  close(): void {
    this.shared.close();
  }

  private runOver(runId: string): boolean {
    const state = this.options.runState(runId);
    return state === undefined || isTerminal(state);
  }

  private runningPod(runId: string): V1Pod | undefined {
    return this.options.pods
      .list({ labelSelector: { [JOB_NAME_POD_LABEL]: runId } })
      .find((pod) => isRunning(pod));
  }

  private async *upstream(runId: string, signal: AbortSignal): AsyncGenerator<string> {
    // Bytes already delivered per pod: a reopened stream starts from the beginning again.
    const delivered = new Map<string, number>();
    let failures = 0;
    while (!signal.aborted && !this.runOver(runId)) {
      const pod = this.runningPod(runId);
      const name = pod?.metadata?.name;
      if (!name) {
        await pause(this.pollMs, signal);
        continue;
      }
      const stream = new AbortController();
      const stopWatching = this.watchPod(runId, name, signal, stream);
      const decoder = new StringDecoder('utf8');
      try {
        const chunks = await this.options.open(name, RUNNER_CONTAINER, stream.signal);
        failures = 0;
        let skip = delivered.get(name) ?? 0;
        for await (const chunk of chunks) {
          let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          if (skip > 0) {
            const cut = Math.min(skip, bytes.length);
            skip -= cut;
            bytes = bytes.subarray(cut);
            if (bytes.length === 0) continue;
          }
          delivered.set(name, (delivered.get(name) ?? 0) + bytes.length);
          const text = decoder.write(bytes);
          if (text) yield text;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (!stream.signal.aborted && ++failures >= this.maxFailures) throw err;
      } finally {
        stopWatching();
      }
      const rest = decoder.end();
      if (rest) yield rest;
      // Ended or broke: look again after a pause (the pod may still show Running for a moment).
      await pause(this.pollMs * Math.max(1, failures), signal);
    }
  }

  /** Aborts `stream` `drainMs` after the pod stopped running or the run ended; returns the stopper. */
  private watchPod(runId: string, pod: string, signal: AbortSignal, stream: AbortController): () => void {
    const onAbort = () => stream.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let drain: NodeJS.Timeout | undefined;
    const timer = setInterval(() => {
      const current = this.options.pods.get(pod);
      if (drain || (current && isRunning(current) && !this.runOver(runId))) return;
      drain = setTimeout(() => stream.abort(), this.drainMs);
    }, this.pollMs);
    return () => {
      clearInterval(timer);
      clearTimeout(drain);
      signal.removeEventListener('abort', onAbort);
    };
  }
}

function isRunning(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp;
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks the signal
  }
}
