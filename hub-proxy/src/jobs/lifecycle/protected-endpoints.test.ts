import { describe, expect, it } from 'vitest';
import { protectedEndpoints } from './protected-endpoints.js';

describe('protectedEndpoints', () => {
  it("lists the hub API, hub-proxy's listener, the runner API URL and the Kubernetes API", () => {
    const endpoints = protectedEndpoints({
      hubApiUrl: 'http://hub:8081/hub/api',
      listenHost: '10.0.0.9',
      listenPort: 8000,
      runnerApiUrl: 'http://turing-hub-proxy.jhub:8000/services/turing/',
      kubeApiServer: 'https://10.96.0.1:443',
      env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      localAddresses: () => [],
    });
    expect(endpoints).toEqual([
      { host: 'hub', port: 8081, what: 'the hub API' },
      { host: '10.0.0.9', port: 8000, what: 'hub-proxy' },
      { host: 'turing-hub-proxy.jhub', port: 8000, what: 'hub-proxy' },
      { host: '10.96.0.1', port: 443, what: 'the Kubernetes API' },
    ]);
  });

  it('fills in default ports and unbrackets IPv6 hosts', () => {
    const endpoints = protectedEndpoints({
      hubApiUrl: 'https://hub.example.org/hub/api',
      listenHost: '::1',
      listenPort: 8000,
      kubeApiServer: 'https://[fd00::1]',
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1' },
      localAddresses: () => [],
    });
    expect(endpoints).toEqual([
      { host: 'hub.example.org', port: 443, what: 'the hub API' },
      { host: '::1', port: 8000, what: 'hub-proxy' },
      { host: 'fd00::1', port: 443, what: 'the Kubernetes API' },
    ]);
  });

  it('protects every local address when hub-proxy listens on all of them', () => {
    const endpoints = protectedEndpoints({
      hubApiUrl: 'http://127.0.0.1:8081/hub/api',
      listenHost: '0.0.0.0',
      listenPort: 8000,
      env: {},
      localAddresses: () => ['10.2.3.4', 'fe80::1'],
    });
    expect(endpoints).toEqual([
      { host: '127.0.0.1', port: 8081, what: 'the hub API' },
      { host: '127.0.0.1', port: 8000, what: 'hub-proxy' },
      { host: '::1', port: 8000, what: 'hub-proxy' },
      { host: '10.2.3.4', port: 8000, what: 'hub-proxy' },
      { host: 'fe80::1', port: 8000, what: 'hub-proxy' },
    ]);
  });
});
