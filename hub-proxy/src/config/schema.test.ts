import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { configErrorOf, managedEnv, noFiles } from './testing/config-fixtures.js';

const load = (env: Record<string, string>, readFile = noFiles) => loadConfig({ env, readFile });
const loadError = (env: Record<string, string>, readFile = noFiles): ConfigError =>
  configErrorOf(loadConfig, env, readFile);

describe('the operations listener settings', () => {
  it('default to 127.0.0.1:9090, apart from the public listener', () => {
    const config = load(managedEnv);
    expect(config).toMatchObject({ opsListenHost: '127.0.0.1', opsListenPort: 9090, listenPort: 10101 });
  });

  it('follow an ephemeral public port (0) with an ephemeral one, so test servers never collide', () => {
    expect(load({ ...managedEnv, TURING_LISTEN_PORT: '0' }).opsListenPort).toBe(0);
  });

  it('read TURING_OPS_LISTEN_HOST and TURING_OPS_LISTEN_PORT', () => {
    const config = load({ ...managedEnv, TURING_OPS_LISTEN_HOST: '0.0.0.0', TURING_OPS_LISTEN_PORT: '9100' });
    expect(config).toMatchObject({ opsListenHost: '0.0.0.0', opsListenPort: 9100 });
  });

  it('refuse the public port for the operations listener', () => {
    const err = loadError({ ...managedEnv, TURING_OPS_LISTEN_PORT: '10101' });
    expect(err.fields).toEqual(['opsListenPort']);
  });
});

describe('trustProxy', () => {
  it('is off by default: X-Forwarded-* headers are not believed', () => {
    expect(load(managedEnv).trustProxy).toBe(false);
  });

  it('reads true/false, a hop count, or a list of addresses from TURING_TRUST_PROXY', () => {
    expect(load({ ...managedEnv, TURING_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load({ ...managedEnv, TURING_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(load({ ...managedEnv, TURING_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(load({ ...managedEnv, TURING_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
  });

  it('takes the same values from the config file', () => {
    const file = JSON.stringify({ trustProxy: ['uniquelocal', '192.168.1.1'] });
    const config = load({ ...managedEnv, TURING_CONFIG: '/c.json' }, (p) =>
      p === '/c.json' ? file : noFiles(p),
    );
    expect(config.trustProxy).toEqual(['uniquelocal', '192.168.1.1']);
  });

  it('refuses something that is not an address, a CIDR or a named range', () => {
    const err = loadError({ ...managedEnv, TURING_TRUST_PROXY: 'proxy.example.com' });
    expect(err.fields).toEqual(['trustProxy.0']);
    expect(err.message).toContain('TURING_TRUST_PROXY');
    expect(loadError({ ...managedEnv, TURING_TRUST_PROXY: '10.0.0.0/33' }).fields).toEqual(['trustProxy.0']);
  });
});
