import { fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { configErrorOf, managedEnv, noFiles } from './testing/config-fixtures.js';

const loadError = (env: Record<string, string>, readFile = noFiles): ConfigError =>
  configErrorOf(loadConfig, env, readFile);

describe('loadConfig', () => {
  it('reads a managed service environment and derives the rest', () => {
    const config = loadConfig({ env: managedEnv, readFile: noFiles });
    expect(config).toMatchObject({
      hubApiUrl: 'http://127.0.0.1:8081/hub/api',
      apiToken: 'managed-token-123',
      servicePrefix: '/services/turing/',
      oauthClientId: 'service-turing',
      oauthCallbackUrl: '/services/turing/oauth_callback',
      listenHost: '127.0.0.1',
      listenPort: 10101,
      authorizeUrl: '/hub/api/oauth2/authorize',
      accessScope: 'access:services!service=turing',
      adminScope: 'custom:turing:admin',
      scopeCacheTtlMs: 5000,
      namespace: 'default',
      cookieName: 'turing-auth',
    });
  });

  it('derives defaults for an external service from TURING_* variables', () => {
    const config = loadConfig({
      env: { TURING_HUB_API_URL: 'http://hub:8081/hub/api/', TURING_API_TOKEN: 'external-token' },
      readFile: noFiles,
    });
    expect(config).toMatchObject({
      hubApiUrl: 'http://hub:8081/hub/api',
      servicePrefix: '/services/turing/',
      oauthClientId: 'service-turing',
      oauthCallbackUrl: '/services/turing/oauth_callback',
      listenHost: '127.0.0.1',
      listenPort: 8000,
    });
  });

  it('uses the public hub URL for the browser-facing authorize URL when given', () => {
    const config = loadConfig({
      env: { ...managedEnv, JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.com/hub/' },
      readFile: noFiles,
    });
    expect(config.authorizeUrl).toBe('https://hub.example.com/hub/api/oauth2/authorize');
  });

  it('prefers TURING_* over JUPYTERHUB_* over the TURING_CONFIG file', () => {
    const file = JSON.stringify({
      namespace: 'from-file',
      adminScope: 'custom:file',
      apiToken: 'file-token-xyz',
    });
    const config = loadConfig({
      env: { ...managedEnv, TURING_CONFIG: '/etc/turing.json', TURING_ADMIN_SCOPE: 'custom:env' },
      readFile: (path) => (path === '/etc/turing.json' ? file : noFiles(path)),
    });
    expect(config.namespace).toBe('from-file');
    expect(config.adminScope).toBe('custom:env');
    expect(config.apiToken).toBe('managed-token-123');
  });

  it('names a missing field and the variables that set it', () => {
    const err = loadError({ TURING_HUB_API_URL: 'http://hub/hub/api' });
    expect(err.fields).toEqual(['apiToken']);
    expect(err.message).toMatch(/apiToken \(env TURING_API_TOKEN or JUPYTERHUB_API_TOKEN\)/);
  });

  it('names a malformed field and the variable it came from', () => {
    const err = loadError({ ...managedEnv, TURING_LISTEN_PORT: '99999', JUPYTERHUB_API_URL: 'not a url' });
    expect(err.fields.sort()).toEqual(['hubApiUrl', 'listenPort']);
    expect(err.message).toMatch(/hubApiUrl \(from JUPYTERHUB_API_URL\)/);
    expect(err.message).toMatch(/listenPort \(from TURING_LISTEN_PORT\)/);
  });

  it('rejects a service prefix without slashes at both ends', () => {
    const err = loadError({ ...managedEnv, JUPYTERHUB_SERVICE_PREFIX: '/services/turing' });
    expect(err.fields).toEqual(['servicePrefix']);
  });

  it('names unknown fields in the config file', () => {
    const err = loadError({ ...managedEnv, TURING_CONFIG: '/c.json' }, (path) =>
      path === '/c.json' ? '{"namespce": "typo"}' : noFiles(path),
    );
    expect(err.fields).toEqual(['namespce']);
    expect(err.message).toMatch(/namespce: unknown config field/);
  });

  it('reports an unreadable or non-JSON config file as TURING_CONFIG', () => {
    expect(loadError({ ...managedEnv, TURING_CONFIG: '/nope.json' }).fields).toEqual(['TURING_CONFIG']);
    expect(
      loadError({ ...managedEnv, TURING_CONFIG: '/c.json' }, (p) =>
        p === '/c.json' ? 'key: value' : noFiles(p),
      ).fields,
    ).toEqual(['TURING_CONFIG']);
  });

  it('reads the token from the descriptor TURING_API_TOKEN_FD names, before any variable, and closes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-fd-'));
    try {
      writeFileSync(join(dir, 'token'), 'fd-token-0123456789\n');
      const fd = openSync(join(dir, 'token'), 'r');
      const config = loadConfig({
        env: { ...managedEnv, TURING_API_TOKEN_FD: String(fd) },
        readFile: noFiles,
      });
      expect(config.apiToken).toBe('fd-token-0123456789');
      // Closed, so the runs hub-proxy starts cannot inherit it.
      expect(() => fstatSync(fd)).toThrow(/EBADF/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the token from the file TURING_API_TOKEN_FILE names', () => {
    const config = loadConfig({
      env: { ...managedEnv, TURING_API_TOKEN_FILE: '/run/secrets/turing-token' },
      readFile: (path) => (path === '/run/secrets/turing-token' ? 'file-token-0123456789\n' : noFiles(path)),
    });
    expect(config.apiToken).toBe('file-token-0123456789');
  });

  it('names TURING_API_TOKEN_FD or TURING_API_TOKEN_FILE when the token cannot be read there', () => {
    const badFd = loadError({ ...managedEnv, TURING_API_TOKEN_FD: 'three' });
    expect(badFd.fields).toEqual(['apiToken']);
    expect(badFd.message).toContain('TURING_API_TOKEN_FD');
    const missing = loadError({ ...managedEnv, TURING_API_TOKEN_FILE: '/nope' });
    expect(missing.fields).toEqual(['apiToken']);
    expect(missing.message).toContain('TURING_API_TOKEN_FILE');
  });

  it('never puts the token value in the error message', () => {
    const err = loadError({ TURING_API_TOKEN: 'short', TURING_HUB_API_URL: 'http://hub/hub/api' });
    expect(err.fields).toEqual(['apiToken']);
    expect(err.message).not.toContain('short');
  });
});
