import { describe, expect, it } from 'vitest';
import { notShuttingDownCheck, runReadinessChecks } from './readiness.js';

describe('runReadinessChecks', () => {
  it('is ready only when every check passes', async () => {
    const ok = async () => ({ name: 'a', ok: true });
    const bad = async () => ({ name: 'b', ok: false, detail: 'informers not synced' });
    expect((await runReadinessChecks([ok])).ready).toBe(true);
    const report = await runReadinessChecks([ok, bad]);
    expect(report).toEqual({
      ready: false,
      checks: [
        { name: 'a', ok: true },
        { name: 'b', ok: false, detail: 'informers not synced' },
      ],
    });
  });

  it('counts a throwing check and a check that exceeds the timeout as not ready', async () => {
    const throws = async function informers(): Promise<{ name: string; ok: boolean }> {
      throw new Error('boom');
    };
    const hangs = function hub() {
      return new Promise<{ name: string; ok: boolean }>(() => undefined);
    };
    const report = await runReadinessChecks([throws, hangs], 50);
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual([
      { name: 'informers', ok: false, detail: 'boom' },
      { name: 'hub', ok: false, detail: 'timed out after 50 ms' },
    ]);
  });

  it('fails the shutdown check once shutdown has begun', async () => {
    let shuttingDown = false;
    const check = notShuttingDownCheck(() => shuttingDown);
    expect((await check()).ok).toBe(true);
    shuttingDown = true;
    expect(await check()).toEqual({ name: 'shutdown', ok: false, detail: 'shutting down' });
  });
});
