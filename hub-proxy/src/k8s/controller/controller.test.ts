import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeLogger } from '../kube-logger.js';
import { Controller, type ControllerOptions } from './controller.js';
import type { Reconciler } from './reconciler.js';

const backoff = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.5 };

/** A controller over `reconcile`, recording when each key was reconciled (fake-clock ms since start). */
function harness(
  reconcile: (key: string, attempt: number) => ReturnType<Reconciler['reconcile']>,
  options: Partial<ControllerOptions> = {},
) {
  const calls: Array<{ key: string; at: number }> = [];
  const warnings: Array<Record<string, unknown>> = [];
  const logger: KubeLogger = { info: () => undefined, warn: (fields) => warnings.push(fields) };
  const t0 = Date.now();
  const controller = new Controller({
    name: 'test',
    reconciler: {
      reconcile: (key) => {
        calls.push({ key, at: Date.now() - t0 });
        return reconcile(key, calls.filter((c) => c.key === key).length);
      },
    },
    backoff,
    random: () => 0,
    logger,
    ...options,
  });
  return { controller, calls, warnings };
}

describe('Controller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a failing reconcile with growing delays, logging each, until it succeeds', async () => {
    const { controller, calls, warnings } = harness(async (_key, attempt) => {
      if (attempt <= 3) throw new Error(`boom ${attempt}`);
    });
    controller.start();
    controller.enqueue('a');
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.map((c) => c.at)).toEqual([0, 100, 300, 700]);
    expect(warnings.map((w) => [w.key, w.retryInMs, w.failures, w.err])).toEqual([
      ['a', 100, 1, 'boom 1'],
      ['a', 200, 2, 'boom 2'],
      ['a', 400, 3, 'boom 3'],
    ]);
    await controller.stop();
  });

  it('forgets the failures of a key once its reconcile succeeds', async () => {
    let failing = true;
    const { controller, calls } = harness(async () => {
      if (failing) throw new Error('boom');
    });
    controller.start();
    controller.enqueue('a');
    await vi.advanceTimersByTimeAsync(350); // attempts at 0, 100, 300
    failing = false;
    await vi.advanceTimersByTimeAsync(400); // succeeds at 700
    failing = true;
    controller.enqueue('a'); // fails at 750, retried after the initial delay again
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.at)).toEqual([0, 100, 300, 700, 750, 850]);
    await controller.stop();
  });

  it('honours requeueAfterMs after a successful reconcile', async () => {
    const { controller, calls } = harness(async (_key, attempt) =>
      attempt < 3 ? { requeueAfterMs: 250 } : undefined,
    );
    controller.start();
    controller.enqueue('a');
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.map((c) => c.at)).toEqual([0, 250, 500]);
    await controller.stop();
  });

  it('resyncs: enqueues every listed key at start and every resyncMs, calling onResync first', async () => {
    const events: string[] = [];
    const { controller, calls } = harness(async () => undefined, {
      listKeys: () => {
        events.push('list');
        return ['a', 'b'];
      },
      onResync: () => events.push('onResync'),
      resyncMs: 1000,
    });
    controller.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(calls.map((c) => `${c.key}@${c.at}`)).toEqual([
      'a@0',
      'b@0',
      'a@1000',
      'b@1000',
      'a@2000',
      'b@2000',
    ]);
    expect(events.slice(0, 4)).toEqual(['onResync', 'list', 'onResync', 'list']);
    await controller.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(6);
  });

  it('reconciles one key at a time and a key added mid-reconcile once more afterwards', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { controller, calls } = harness(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight--;
    });
    controller.start();
    controller.enqueue('a');
    controller.enqueue('b');
    await vi.advanceTimersByTimeAsync(50);
    controller.enqueue('a');
    controller.enqueue('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => `${c.key}@${c.at}`)).toEqual(['a@0', 'b@100', 'a@200']);
    expect(maxInFlight).toBe(1);
    await controller.stop();
  });

  it('stop waits for the reconcile in progress, cancels retries and ignores keys until started again', async () => {
    let release: () => void = () => undefined;
    const { controller, calls } = harness(async (key) => {
      if (key === 'slow') await new Promise<void>((resolve) => (release = resolve));
      else throw new Error('boom');
    });
    controller.start();
    controller.enqueue('failing');
    controller.enqueue('slow');
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    expect(controller.isRunning).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    release();
    await stopping;
    controller.enqueue('ignored');
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.map((c) => c.key)).toEqual(['failing', 'slow']);
    controller.start();
    controller.enqueue('failing');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.key)).toEqual(['failing', 'slow', 'failing']);
    await controller.stop();
  });

  it('is ready according to its option, and always ready without one', () => {
    let synced = false;
    expect(harness(async () => undefined).controller.ready()).toBe(true);
    const { controller } = harness(async () => undefined, { ready: () => synced });
    expect(controller.ready()).toBe(false);
    synced = true;
    expect(controller.ready()).toBe(true);
  });
});
