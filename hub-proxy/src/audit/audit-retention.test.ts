import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { AuditRetention } from './audit-retention.js';

describe('AuditRetention', () => {
  it('sweeps everything older than the retention, measured from its clock', async () => {
    const cutoffs: Date[] = [];
    const retention = new AuditRetention({
      store: { sweep: async (olderThan) => (cutoffs.push(olderThan), ['2026-08-01']) },
      retentionDays: 90,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-12-01T12:00:00Z'),
    });
    expect(await retention.sweep()).toEqual(['2026-08-01']);
    expect(cutoffs).toEqual([new Date('2026-09-02T12:00:00Z')]);
  });

  it('survives a failing sweep and tries again', async () => {
    let calls = 0;
    const retention = new AuditRetention({
      store: {
        sweep: async () => {
          calls++;
          if (calls === 1) throw new Error('apiserver down');
          return [];
        },
      },
      retentionDays: 1,
      logger: createLogger({ level: 'silent' }),
    });
    expect(await retention.sweep()).toEqual([]);
    expect(await retention.sweep()).toEqual([]);
    expect(calls).toBe(2);
    retention.start();
    await retention.stop();
    expect(calls).toBe(3);
  });
});
