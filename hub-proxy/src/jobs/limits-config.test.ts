import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { configErrorOf, managedEnv, noFiles } from '../config/testing/config-fixtures.js';
import { jobsConfig } from './config.js';

const load = (sources: { env: Record<string, string>; readFile: (path: string) => string }) =>
  loadConfig(sources, jobsConfig);
const limitsOf = (env: Record<string, string>, readFile = noFiles) =>
  load({ env: { ...managedEnv, ...env }, readFile }).jobs.limits;

describe('jobs.limits settings', () => {
  it('defaults to 100 jobs, 10 run-now calls a minute and 64 KiB of parameters per user', () => {
    // Active runs moved to the concurrentRuns quota (quotas feature).
    expect(limitsOf({})).toEqual({
      jobsPerUser: 100,
      runNowPerMinute: 10,
      maxParametersBytes: 64 * 1024,
    });
  });

  it('takes single limits from the config file, keeping defaults for the rest', () => {
    const file = JSON.stringify({ jobs: { limits: { jobsPerUser: 5 } } });
    expect(
      limitsOf({ TURING_CONFIG: '/etc/turing.json' }, (path) =>
        path === '/etc/turing.json' ? file : noFiles(path),
      ),
    ).toMatchObject({
      jobsPerUser: 5,
      runNowPerMinute: 10,
    });
  });

  it('takes TURING_JOBS_LIMITS as a JSON object', () => {
    expect(
      limitsOf({ TURING_JOBS_LIMITS: '{"activeRunsPerUser": 3, "runNowPerMinute": "4"}' }),
    ).toMatchObject({
      activeRunsPerUser: 3,
      runNowPerMinute: 4,
      jobsPerUser: 100,
    });
  });

  it('refuses text that is not a JSON object, unknown limits, and parameters over what an annotation holds', () => {
    expect(configErrorOf(load, { ...managedEnv, TURING_JOBS_LIMITS: 'lots' }).fields).toEqual([
      'jobs.limits',
    ]);
    expect(configErrorOf(load, { ...managedEnv, TURING_JOBS_LIMITS: '{"jobs": 1}' }).message).toMatch(
      /jobs: unknown config field/,
    );
    expect(
      configErrorOf(load, { ...managedEnv, TURING_JOBS_LIMITS: '{"maxParametersBytes": 1048576}' }).fields,
    ).toEqual(['jobs.limits.maxParametersBytes']);
  });
});
