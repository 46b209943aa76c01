import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ControllerManager } from './controller-manager.js';
import type { ManagedController } from './managed-controller.js';

/** A controller that records its starts and stops; `stopMs` makes stop() take that long. */
class FakeController implements ManagedController {
  isReady = true;
  running = false;
  starts = 0;
  stops = 0;
  failStart = false;

  constructor(
    readonly name: string,
    private readonly stopMs = 0,
  ) {}

  ready(): boolean {
    return this.isReady;
  }

  start(): void {
    this.starts++;
    if (this.failStart) throw new Error('cannot start');
    this.running = true;
  }

  async stop(): Promise<void> {
    this.stops++;
    if (this.stopMs > 0) await new Promise((resolve) => setTimeout(resolve, this.stopMs));
    this.running = false;
  }
}

describe('ControllerManager', () => {
  const leadership = { isLeader: false };
  let manager: ControllerManager;

  beforeEach(() => {
    vi.useFakeTimers();
    leadership.isLeader = false;
    manager = new ControllerManager({ leadership, pollMs: 100 });
  });
  afterEach(async () => {
    const stopping = manager.stop();
    await vi.runAllTimersAsync(); // controllers that take time to stop
    await stopping;
    vi.useRealTimers();
  });

  it('starts nothing while not leading', async () => {
    const a = new FakeController('a');
    manager.register(a);
    manager.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.starts).toBe(0);
    expect(manager.status()).toEqual({ leading: false, controllers: [{ name: 'a', running: false }] });
  });

  it('starts each controller once while leading, as soon as it is ready', async () => {
    const a = new FakeController('a');
    const b = new FakeController('b');
    b.isReady = false;
    manager.register(a);
    manager.register(b);
    manager.register(a);
    leadership.isLeader = true;
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    expect([a.starts, b.starts]).toEqual([1, 0]);
    b.isReady = true;
    await vi.advanceTimersByTimeAsync(99);
    expect(b.starts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect([a.starts, b.starts]).toEqual([1, 1]);
    expect(manager.status()).toEqual({
      leading: true,
      controllers: [
        { name: 'a', running: true },
        { name: 'b', running: true },
      ],
    });
  });

  it('stops every controller on losing leadership and starts them again on regaining it', async () => {
    const a = new FakeController('a', 250);
    manager.register(a);
    leadership.isLeader = true;
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.running).toBe(true);
    leadership.isLeader = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(a.stops).toBe(1);
    leadership.isLeader = true; // back before the stop finished: no start until it has
    await vi.advanceTimersByTimeAsync(200);
    expect(a.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(a.running).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect([a.starts, a.stops, a.running]).toEqual([2, 1, true]);
  });

  it('picks up controllers registered after it started', async () => {
    leadership.isLeader = true;
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    const late = new FakeController('late');
    manager.register(late);
    await vi.advanceTimersByTimeAsync(100);
    expect(late.running).toBe(true);
  });

  it('stop() stops following leadership and stops every running controller', async () => {
    const a = new FakeController('a', 50);
    const idle = new FakeController('idle');
    idle.isReady = false;
    manager.register(a);
    manager.register(idle);
    leadership.isLeader = true;
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = manager.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(49);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect([a.running, a.stops, idle.stops]).toEqual([false, 1, 0]);
    expect(manager.status().leading).toBe(false);
    idle.isReady = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect([a.starts, idle.starts]).toEqual([1, 0]);
  });

  it('stops a controller whose start throws and tries again at the next poll', async () => {
    const a = new FakeController('a');
    a.failStart = true;
    manager.register(a);
    leadership.isLeader = true;
    manager.start();
    await vi.advanceTimersByTimeAsync(0);
    expect([a.starts, a.stops]).toEqual([1, 1]);
    expect(manager.status().controllers).toEqual([{ name: 'a', running: false }]);
    a.failStart = false;
    await vi.advanceTimersByTimeAsync(100);
    expect([a.starts, a.running]).toEqual([2, true]);
  });
});
