import { describe, expect, it } from 'vitest';
import { ConfigError } from './config/load.js';
import { compatibilityPathOf } from './environments/index.js';
import { loadHubProxyConfig } from './features.js';
import { configErrorOf, managedEnv, noFiles } from './config/testing/config-fixtures.js';

const loadError = (env: Record<string, string>, readFile = noFiles): ConfigError =>
  configErrorOf(loadHubProxyConfig, env, readFile);

describe('the whole configuration (shared keys and every feature section)', () => {
  it('defaults the catalog to the repository and the compatibility table to its directory', () => {
    const config = loadHubProxyConfig({ env: managedEnv, readFile: noFiles });
    expect(config.catalogPath).toMatch(/images\/catalog\.yaml$/);
    expect(compatibilityPathOf(config)).toBe(
      config.catalogPath.replace(/catalog\.yaml$/, 'compatibility.yaml'),
    );
    expect(config.quotas).toEqual({ defaultMaxGpus: 2, users: {}, defaults: {} });
    const moved = loadHubProxyConfig({
      env: { ...managedEnv, TURING_CATALOG: '/etc/turing/catalog.yaml' },
      readFile: noFiles,
    });
    expect(compatibilityPathOf(moved)).toBe('/etc/turing/compatibility.yaml');
  });

  it('reads quotas from the JSON file, with TURING_DEFAULT_MAX_GPUS over the file', () => {
    const file = JSON.stringify({ quotas: { defaultMaxGpus: 1, users: { alice: 8 } } });
    const env = { ...managedEnv, TURING_CONFIG: '/config.json' };
    const fileOnly = (path: string) => (path === '/config.json' ? file : noFiles(path));
    expect(loadHubProxyConfig({ env, readFile: fileOnly }).quotas).toEqual({
      defaultMaxGpus: 1,
      users: { alice: 8 },
      defaults: {},
    });
    const overridden = loadHubProxyConfig({
      env: { ...env, TURING_DEFAULT_MAX_GPUS: '4' },
      readFile: fileOnly,
    });
    expect(overridden.quotas).toEqual({ defaultMaxGpus: 4, users: { alice: 8 }, defaults: {} });
    const bad = loadError({ ...managedEnv, TURING_DEFAULT_MAX_GPUS: 'many' });
    expect(bad.fields).toEqual(['quotas.defaultMaxGpus']);
    expect(bad.message).toContain('TURING_DEFAULT_MAX_GPUS');
  });

  it("reads a feature's nested variables and still refuses unknown keys", () => {
    const config = loadHubProxyConfig({
      env: { ...managedEnv, TURING_JOBS_STATE_DIR: '/var/lib/turing/jobs', TURING_RUNTIME: 'local' },
      readFile: noFiles,
    });
    expect(config.jobs.stateDir).toBe('/var/lib/turing/jobs');
    expect(config.jobs.defaultHistoryLimit).toBe(20);
    const file = JSON.stringify({ jobz: {} });
    const err = loadError({ ...managedEnv, TURING_CONFIG: '/c.json' }, (path) =>
      path === '/c.json' ? file : noFiles(path),
    );
    expect(err.fields).toEqual(['jobz']);
  });
});
