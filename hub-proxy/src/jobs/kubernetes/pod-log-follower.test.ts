import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { RunState } from '../model.js';
import { JOB_NAME_POD_LABEL } from './batch-manifests.js';
import { RunPodLogs, type RunPodSource } from './pod-log-follower.js';

/** Pods and run states the test sets, as the caches would show them. */
class FakeCluster implements RunPodSource {
  readonly pods = new Map<string, V1Pod>();
  readonly states = new Map<string, RunState>();

  setPod(name: string, runId: string, phase: string): void {
    this.pods.set(name, { metadata: { name, labels: { [JOB_NAME_POD_LABEL]: runId } }, status: { phase } });
  }

  get(name: string): V1Pod | undefined {
    return this.pods.get(name);
  }

  list(filter: { labelSelector: Record<string, string> }): V1Pod[] {
    return [...this.pods.values()].filter((pod) =>
      Object.entries(filter.labelSelector).every(([k, v]) => pod.metadata?.labels?.[k] === v),
    );
  }
}

/** A container log the test appends to; each open streams it from the start, as a kubelet does. */
class FakeLogs {
  readonly opens: Array<{ pod: string; container: string }> = [];
  readonly log = new Map<string, Buffer>();
  private waiters: Array<() => void> = [];
  /** Breaks every open stream once (a dropped connection). */
  breakStreams = false;

  append(pod: string, text: string): void {
    this.log.set(pod, Buffer.concat([this.log.get(pod) ?? Buffer.alloc(0), Buffer.from(text)]));
    for (const wake of this.waiters.splice(0)) wake();
  }

  open = (pod: string, container: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> => {
    this.opens.push({ pod, container });
    return Promise.resolve(this.stream(pod, signal));
  };

  private async *stream(pod: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    let offset = 0;
    const onAbort = () => {
      for (const wake of this.waiters.splice(0)) wake();
    };
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const bytes = this.log.get(pod) ?? Buffer.alloc(0);
        if (offset < bytes.length) {
          const chunk = bytes.subarray(offset);
          offset = bytes.length;
          yield chunk;
          continue;
        }
        if (this.breakStreams) {
          this.breakStreams = false;
          throw new Error('connection reset');
        }
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

const until = async (what: string, probe: () => boolean) => {
  const deadline = Date.now() + 5_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

function setup() {
  const cluster = new FakeCluster();
  const logs = new FakeLogs();
  const live = new RunPodLogs({
    pods: cluster,
    runState: (id) => cluster.states.get(id),
    open: logs.open,
    pollMs: 10,
    drainMs: 20,
    lingerMs: 0,
  });
  const read = (runId: string) => {
    const state = { text: '', done: false };
    const controller = new AbortController();
    void (async () => {
      for await (const chunk of live.follow(runId, controller.signal)) state.text += chunk;
      state.done = true;
    })();
    return Object.assign(state, { stop: () => controller.abort() });
  };
  return { cluster, logs, live, read };
}

describe('RunPodLogs', () => {
  it("waits for the run's pod to run, follows its runner container, and ends when the run ends", async () => {
    const { cluster, logs, read } = setup();
    cluster.states.set('run-1', 'queued');
    cluster.setPod('run-1-abcde', 'run-1', 'Pending');
    const viewer = read('run-1');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(logs.opens).toEqual([]);
    cluster.states.set('run-1', 'running');
    cluster.setPod('run-1-abcde', 'run-1', 'Running');
    logs.append('run-1-abcde', 'cell 1\n');
    await until('the first line', () => viewer.text === 'cell 1\n');
    logs.append('run-1-abcde', 'cell 2 é\n');
    await until('the second line', () => viewer.text === 'cell 1\ncell 2 é\n');
    expect(logs.opens).toEqual([{ pod: 'run-1-abcde', container: 'runner' }]);
    cluster.setPod('run-1-abcde', 'run-1', 'Succeeded');
    cluster.states.set('run-1', 'succeeded');
    await until('the end of the stream', () => viewer.done);
  });

  it('reopens a broken stream and skips what viewers already have', async () => {
    const { cluster, logs, read } = setup();
    cluster.states.set('run-1', 'running');
    cluster.setPod('run-1-abcde', 'run-1', 'Running');
    logs.append('run-1-abcde', 'one\n');
    const viewer = read('run-1');
    await until('the first line', () => viewer.text === 'one\n');
    logs.breakStreams = true;
    logs.append('run-1-abcde', 'two\n');
    await until('a second open', () => logs.opens.length === 2);
    logs.append('run-1-abcde', 'three\n');
    await until('the third line', () => viewer.text.includes('three'));
    expect(viewer.text).toBe('one\ntwo\nthree\n');
    viewer.stop();
  });

  it('ends the stream shortly after the pod stops running even if the kubelet keeps it open', async () => {
    const { cluster, logs, live, read } = setup();
    cluster.states.set('run-1', 'running');
    cluster.setPod('run-1-abcde', 'run-1', 'Running');
    const viewer = read('run-1');
    logs.append('run-1-abcde', 'last words\n');
    await until('the line', () => viewer.text === 'last words\n');
    cluster.setPod('run-1-abcde', 'run-1', 'Failed');
    cluster.states.set('run-1', 'failed');
    await until('the end', () => viewer.done);
    expect(live.openUpstreams).toBe(0);
  });

  it('follows the next pod when the Job retries', async () => {
    const { cluster, logs, read } = setup();
    cluster.states.set('run-1', 'running');
    cluster.setPod('run-1-first', 'run-1', 'Running');
    logs.append('run-1-first', 'attempt 1\n');
    const viewer = read('run-1');
    await until('the first attempt', () => viewer.text === 'attempt 1\n');
    cluster.setPod('run-1-first', 'run-1', 'Failed');
    cluster.setPod('run-1-second', 'run-1', 'Running');
    logs.append('run-1-second', 'attempt 2\n');
    await until('the second attempt', () => viewer.text === 'attempt 1\nattempt 2\n');
    viewer.stop();
  });
});
