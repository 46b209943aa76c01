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

  it('mounts no home volume unless jobs.homeVolume is set; JSON from TURING_JOBS_HOME_VOLUME, defaults filled in', () => {
    expect(jobsOf({}).homeVolume).toBeUndefined();
    expect(jobsOf({ TURING_JOBS_HOME_VOLUME: '{}' }).homeVolume).toEqual({
      claimNameTemplate: 'claim-{username}',
      mountPath: '/home/jovyan',
      readOnly: true,
    });
    expect(
      jobsOf({
        TURING_JOBS_HOME_VOLUME: '{"claimNameTemplate":"claim-{user_server}","mountPath":"/home/user"}',
      }).homeVolume,
    ).toMatchObject({ claimNameTemplate: 'claim-{user_server}', mountPath: '/home/user' });
  });

  it('refuses a home claim template with an unknown field, naming the key', () => {
    const bad = configErrorOf(load, {
      ...managedEnv,
      TURING_JOBS_HOME_VOLUME: '{"claimNameTemplate":"claim-{userid}"}',
    });
    expect(bad.fields).toEqual(['jobs.homeVolume.claimNameTemplate']);
    expect(bad.message).toContain('unknown field {userid}');
  });

  it('takes the local runtime’s per-user home as a template, from TURING_JOBS_LOCAL_USER_HOME', () => {
    expect(jobsOf({}).localUserHome).toBeUndefined();
    expect(jobsOf({ TURING_JOBS_LOCAL_USER_HOME: '/srv/homes/{username}' }).localUserHome).toBe(
      '/srv/homes/{username}',
    );
    const bad = configErrorOf(load, { ...managedEnv, TURING_JOBS_LOCAL_USER_HOME: 'homes/{username}' });
    expect(bad.fields).toEqual(['jobs.localUserHome']);
  });

  it('refuses an ephemeral storage request over the limit, or one that is not a quantity', () => {
    const over = configErrorOf(load, { ...managedEnv, TURING_RUN_EPHEMERAL_STORAGE_REQUEST: '20Gi' });
    expect(over.fields).toEqual(['jobs.runEphemeralStorageRequest']);
    const bad = configErrorOf(load, { ...managedEnv, TURING_RUN_EPHEMERAL_STORAGE_LIMIT: 'lots' });
    expect(bad.fields).toEqual(['jobs.runEphemeralStorageLimit']);
  });
});
