import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { configErrorOf, managedEnv, noFiles } from '../../config/testing/config-fixtures.js';
import { jobsConfig } from '../config.js';
import { alertsSettingsSchema, parseCidr } from './alerts-settings.js';

const load = (sources: { env: Record<string, string>; readFile: (path: string) => string }) =>
  loadConfig(sources, jobsConfig);

describe('alerts settings', () => {
  it('allow no private receivers unless configured', () => {
    expect(load({ env: managedEnv, readFile: noFiles }).alerts).toEqual({
      allowedHosts: [],
      allowedCidrs: [],
    });
  });

  it('read comma lists from TURING_ALERTS_ALLOWED_HOSTS and TURING_ALERTS_ALLOWED_CIDRS', () => {
    const config = load({
      env: {
        ...managedEnv,
        TURING_ALERTS_ALLOWED_HOSTS: 'Alertmanager.monitoring.svc, hooks.internal.',
        TURING_ALERTS_ALLOWED_CIDRS: '10.20.0.0/16, 127.0.0.1,fd12:3456::/48',
      },
      readFile: noFiles,
    });
    expect(config.alerts).toEqual({
      allowedHosts: ['alertmanager.monitoring.svc', 'hooks.internal'],
      allowedCidrs: ['10.20.0.0/16', '127.0.0.1', 'fd12:3456::/48'],
    });
  });

  it('read lists from the config file', () => {
    const file = JSON.stringify({ alerts: { allowedCidrs: ['192.168.0.0/24'] } });
    const readFile = (path: string) => (path === '/etc/turing.json' ? file : noFiles(path));
    const config = load({ env: { ...managedEnv, TURING_CONFIG: '/etc/turing.json' }, readFile });
    expect(config.alerts.allowedCidrs).toEqual(['192.168.0.0/24']);
  });

  it('reject a CIDR that is not one, naming the field and the variable', () => {
    const error = configErrorOf(load, { ...managedEnv, TURING_ALERTS_ALLOWED_CIDRS: '10.0.0.0/33' });
    expect(error.fields).toEqual(['alerts.allowedCidrs.0']);
    expect(error.message).toMatch(/TURING_ALERTS_ALLOWED_CIDRS/);
    for (const bad of ['10.0.0/8', 'fd00::/129', 'example.com/8', '10.0.0.0/']) {
      expect(alertsSettingsSchema.safeParse({ allowedCidrs: [bad] }).success, bad).toBe(false);
    }
  });

  it('reject a host that is not a host name', () => {
    for (const bad of ['http://hooks.internal', 'hooks.internal:9000', 'bad_name.internal', '']) {
      expect(alertsSettingsSchema.safeParse({ allowedHosts: [bad] }).success, bad).toBe(false);
    }
  });
});

describe('parseCidr', () => {
  it('reads address and prefix, with a bare address as a single host', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('127.0.0.1')).toEqual({ address: '127.0.0.1', prefix: 32, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseCidr('10.0.0.0/x')).toBeUndefined();
  });
});
