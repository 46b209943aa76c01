import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { configErrorOf, managedEnv, noFiles } from '../config/testing/config-fixtures.js';
import { jobsConfig } from './config.js';

const load = (sources: { env: Record<string, string>; readFile: (path: string) => string }) =>
  loadConfig(sources, jobsConfig);
const jobsOf = (env: Record<string, string>) =>
  load({ env: { ...managedEnv, ...env }, readFile: noFiles }).jobs;

describe('jobs settings', () => {
  it('keeps the local runtime to one user unless TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER says 1 or true', () => {
    expect(jobsOf({}).localRuntimeUnsafeMultiUser).toBe(false);
    expect(jobsOf({ TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: '1' }).localRuntimeUnsafeMultiUser).toBe(true);
    expect(jobsOf({ TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: 'true' }).localRuntimeUnsafeMultiUser).toBe(true);
    expect(jobsOf({ TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: '0' }).localRuntimeUnsafeMultiUser).toBe(false);
    const bad = configErrorOf(load, { ...managedEnv, TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER: 'yes' });
    expect(bad.fields).toEqual(['jobs.localRuntimeUnsafeMultiUser']);
    expect(bad.message).toContain('TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER');
    expect(jobsOf({ TURING_LOCAL_RUNTIME_USER: 'alice' }).localRuntimeUser).toBe('alice');
  });

  it('gives run pods 1Gi of ephemeral storage and a 10Gi limit unless told otherwise', () => {
    expect(jobsOf({})).toMatchObject({ runEphemeralStorageRequest: '1Gi', runEphemeralStorageLimit: '10Gi' });
    expect(
      jobsOf({ TURING_RUN_EPHEMERAL_STORAGE_REQUEST: '2Gi', TURING_RUN_EPHEMERAL_STORAGE_LIMIT: '20Gi' }),
    ).toMatchObject({ runEphemeralStorageRequest: '2Gi', runEphemeralStorageLimit: '20Gi' });
  });

  it('refuses an ephemeral storage request over the limit, or one that is not a quantity', () => {
    const over = configErrorOf(load, { ...managedEnv, TURING_RUN_EPHEMERAL_STORAGE_REQUEST: '20Gi' });
    expect(over.fields).toEqual(['jobs.runEphemeralStorageRequest']);
    const bad = configErrorOf(load, { ...managedEnv, TURING_RUN_EPHEMERAL_STORAGE_LIMIT: 'lots' });
    expect(bad.fields).toEqual(['jobs.runEphemeralStorageLimit']);
  });
});
