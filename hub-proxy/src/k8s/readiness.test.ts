import { describe, expect, it } from 'vitest';
import { KubeReadiness } from './readiness.js';

describe('KubeReadiness', () => {
  it('is ok only when every registered source is synced, naming the ones that are not', async () => {
    const readiness = new KubeReadiness();
    const pods = { name: 'pods', synced: true, lastError: undefined as { message: string } | undefined };
    const jobs = { name: 'jobs', synced: true };
    readiness.register(pods);
    const unregister = readiness.register(jobs);
    expect(await readiness.check()).toMatchObject({ name: 'kubernetes', ok: true });

    pods.synced = false;
    pods.lastError = { message: 'connect ECONNREFUSED' };
    const down = await readiness.check();
    expect(down.ok).toBe(false);
    expect(down.detail).toBe('pods not synced (connect ECONNREFUSED)');

    pods.synced = true;
    jobs.synced = false;
    unregister();
    expect((await readiness.check()).ok).toBe(true);
  });
});
