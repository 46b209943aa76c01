import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Forbidden } from '../../errors/index.js';
import { LocalRuntimeSingleUserGate, UNSAFE_MULTIUSER_ENV } from './single-user-gate.js';

describe('LocalRuntimeSingleUserGate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'single-user-gate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('admits the first user again and again, and refuses a second one with a 403 naming the setting', async () => {
    const gate = new LocalRuntimeSingleUserGate({ stateDir: dir });
    await gate.admit('alice');
    await gate.admit('alice');
    const refused = await gate.admit('bob').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Forbidden);
    const message = (refused as Forbidden).message;
    expect(message).toContain(UNSAFE_MULTIUSER_ENV);
    expect(message).toContain('jobs.localRuntimeUnsafeMultiUser');
    expect(message).toContain('runtime: kubernetes');
    // The caller learns that someone else owns it, not who.
    expect(message).not.toContain('alice');
    expect((refused as Forbidden).code).toBe('local-runtime-single-user');
  });

  it('keeps the user it bound across a restart of hub-proxy', async () => {
    await new LocalRuntimeSingleUserGate({ stateDir: dir }).admit('alice');
    const restarted = new LocalRuntimeSingleUserGate({ stateDir: dir });
    await expect(restarted.admit('bob')).rejects.toBeInstanceOf(Forbidden);
    await restarted.admit('alice');
    expect(await restarted.boundUser()).toBe('alice');
  });

  it('binds exactly one of two users who arrive at the same moment', async () => {
    const [a, b] = [
      new LocalRuntimeSingleUserGate({ stateDir: dir }),
      new LocalRuntimeSingleUserGate({ stateDir: dir }),
    ];
    const results = await Promise.allSettled([a.admit('alice'), b.admit('bob'), a.admit('carol')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = await a.boundUser();
    expect(await b.boundUser()).toBe(winner);
  });

  it('admits only the configured user, even before anyone else came', async () => {
    const gate = new LocalRuntimeSingleUserGate({ stateDir: dir, configuredUser: 'alice' });
    await expect(gate.admit('bob')).rejects.toBeInstanceOf(Forbidden);
    await gate.admit('alice');
    expect(await gate.boundUser()).toBe('alice');
  });
});
