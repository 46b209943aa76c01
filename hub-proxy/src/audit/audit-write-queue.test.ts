import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { metricsRegistry } from '../observability/metrics.js';
import type { AuditEntry } from './audit-entry.js';
import { AuditWriteQueue } from './audit-write-queue.js';
import { auditEntryFixture } from './testing/audit-entry-fixture.js';

const logger = createLogger({ level: 'silent' });
const entry = (n: number): AuditEntry =>
  auditEntryFixture({
    id: `e${n}`,
    time: '2026-12-01T10:00:00.000Z',
    requestId: `r${n}`,
    path: '/x',
    object: { kind: 'job' },
  });

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = found?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

afterEach(() => vi.useRealTimers());

describe('AuditWriteQueue', () => {
  it('writes what was queued in batches on its timer, never while the request waits', async () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const queue = new AuditWriteQueue({
      store: { append: async (entries) => void batches.push(entries.map((e) => e.id)) },
      logger,
      batchSize: 2,
      flushIntervalMs: 200,
    });
    queue.start();
    for (let i = 0; i < 5; i++) queue.enqueue(entry(i));
    expect(batches).toEqual([]);
    expect(queue.pending).toBe(5);
    await vi.advanceTimersByTimeAsync(200);
    expect(batches).toEqual([['e0', 'e1'], ['e2', 'e3'], ['e4']]);
    expect(queue.pending).toBe(0);
    await queue.close();
  });

  it('retries a failed write with backoff, keeping the order, and counts the failures', async () => {
    vi.useFakeTimers();
    const failuresBefore = await metric('turing_audit_write_failures_total');
    let failing = 2;
    const written: string[] = [];
    const queue = new AuditWriteQueue({
      store: {
        append: async (entries) => {
          if (failing-- > 0) throw new Error('apiserver down');
          written.push(...entries.map((e) => e.id));
        },
      },
      logger,
      flushIntervalMs: 200,
      retry: { initialMs: 1000, factor: 2, maxMs: 10_000, jitter: 0 },
    });
    queue.start();
    queue.enqueue(entry(1));
    queue.enqueue(entry(2));
    await vi.advanceTimersByTimeAsync(200);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(999);
    expect(written).toEqual([]);
    // Second failure at +1 s, then the retry after 2 s succeeds.
    await vi.advanceTimersByTimeAsync(1 + 2000);
    expect(written).toEqual(['e1', 'e2']);
    expect((await metric('turing_audit_write_failures_total')) - failuresBefore).toBe(2);
    await queue.close();
  });

  it('drops entries past its capacity, counted as overflow, and keeps the ones it had', async () => {
    const before = await metric('turing_audit_entries_dropped_total', { reason: 'overflow' });
    const written: string[] = [];
    const queue = new AuditWriteQueue({
      store: { append: async (entries) => void written.push(...entries.map((e) => e.id)) },
      logger,
      capacity: 3,
    });
    for (let i = 0; i < 5; i++) queue.enqueue(entry(i));
    expect(queue.pending).toBe(3);
    expect((await metric('turing_audit_entries_dropped_total', { reason: 'overflow' })) - before).toBe(2);
    await queue.close();
    expect(written).toEqual(['e0', 'e1', 'e2']);
  });

  it('writes everything at close, and counts what a dead store never took as lost', async () => {
    const written: string[] = [];
    const queue = new AuditWriteQueue({
      store: { append: async (entries) => void written.push(...entries.map((e) => e.id)) },
      logger,
      batchSize: 2,
    });
    for (let i = 0; i < 5; i++) queue.enqueue(entry(i));
    await queue.close();
    expect(written).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);

    const before = await metric('turing_audit_entries_dropped_total', { reason: 'shutdown' });
    const dead = new AuditWriteQueue({
      store: { append: async () => Promise.reject(new Error('gone')) },
      logger,
      retry: { initialMs: 10, factor: 1, maxMs: 10, jitter: 0 },
    });
    dead.enqueue(entry(9));
    await dead.close(100);
    expect(dead.pending).toBe(0);
    expect((await metric('turing_audit_entries_dropped_total', { reason: 'shutdown' })) - before).toBe(1);
  });
});
