import { describe, expect, it } from 'vitest';
import { WebhookPolicy, type HostResolver } from './webhook-policy.js';

/** A DNS stand-in: names map to fixed answers; anything else fails as an unknown name would. */
function fakeDns(answers: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    const found = answers[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(resolve, { calls });
}

const dns = fakeDns({
  localhost: ['127.0.0.1', '::1'],
  'metadata.google.internal': ['169.254.169.254'],
  'hooks.example.com': ['93.184.216.34'],
  'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
  'empty.example.com': [],
  'alerts.monitoring.svc.cluster.local': ['10.1.2.3'],
  'hub.jhub.svc.cluster.local': ['10.100.0.5'],
});

describe('WebhookPolicy by default', () => {
  const policy = new WebhookPolicy({ resolve: dns });

  it.each([
    // loopback and unspecified
    ['IPv4 loopback', 'http://127.0.0.1/hook'],
    ['the top of 127/8', 'http://127.255.255.254:8080/hook'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['a name for loopback', 'http://localhost:9000/hook'],
    ['IPv4 unspecified', 'http://0.0.0.0/hook'],
    ['IPv6 unspecified', 'http://[::]/hook'],
    // link-local and cloud metadata
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a name for the metadata address', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['IPv6 link-local', 'http://[fe80::1]/hook'],
    ['AWS IPv6 metadata (unique-local)', 'http://[fd00:ec2::254]/latest/meta-data/'],
    // private, CGNAT and unique-local
    ['10/8', 'http://10.0.0.1/hook'],
    ['172.16/12', 'http://172.16.0.1/hook'],
    ['the top of 172.16/12', 'http://172.31.255.255/hook'],
    ['192.168/16', 'https://192.168.1.1/hook'],
    ['CGNAT 100.64/10', 'http://100.64.0.1/hook'],
    ['the top of CGNAT', 'http://100.127.255.254/hook'],
    ['unique-local fc00::/7', 'http://[fc00::1]/hook'],
    // multicast, broadcast and reserved
    ['IPv4 multicast', 'http://224.0.0.1/hook'],
    ['IPv6 multicast', 'http://[ff02::1]/hook'],
    ['the broadcast address', 'http://255.255.255.255/hook'],
    ['reserved 240/4', 'http://240.0.0.1/hook'],
    ['documentation 192.0.2/24', 'http://192.0.2.1/hook'],
    ['benchmarking 198.18/15', 'http://198.18.0.1/hook'],
    ['IPv6 documentation', 'http://[2001:db8::1]/hook'],
    // IPv4 inside IPv6
    ['IPv4-mapped loopback, dotted', 'http://[::ffff:127.0.0.1]/hook'],
    ['IPv4-mapped loopback, hex', 'http://[::ffff:7f00:1]/hook'],
    ['IPv4-mapped metadata', 'http://[::ffff:a9fe:a9fe]/hook'],
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/hook'],
    ['IPv4-compatible, hex', 'http://[::7f00:1]/hook'],
    ['NAT64 of loopback', 'http://[64:ff9b::127.0.0.1]/hook'],
    ['NAT64 of the metadata address', 'http://[64:ff9b::a9fe:a9fe]/hook'],
    ['local-use NAT64 of 10.0.0.1', 'http://[64:ff9b:1::a00:1]/hook'],
    ['6to4 of loopback', 'http://[2002:7f00:1::1]/hook'],
    ['6to4 of the metadata address', 'http://[2002:a9fe:a9fe::]/hook'],
    ['Teredo with a loopback client', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook'],
    // odd IPv4 spellings (the URL parser turns them into 127.0.0.1 or 0.0.0.0)
    ['decimal', 'http://2130706433/hook'],
    ['octal', 'http://0177.0.0.1/hook'],
    ['hex, short', 'http://0x7f.1/hook'],
    ['hex, whole', 'http://0x7f000001/hook'],
    ['short dotted', 'http://127.1/hook'],
    ['octal, whole', 'http://017700000001/hook'],
    ['zero', 'http://0/hook'],
    // names
    ['a name whose lookup fails', 'https://no-such-host.example.com/hook'],
    ['a name with no addresses', 'https://empty.example.com/hook'],
    ['a name with one private address among public ones', 'https://mixed.example.com/hook'],
    // not http(s)
    ['a file URL', 'file:///etc/passwd'],
    ['an ftp URL', 'ftp://93.184.216.34/hook'],
    ['not a URL', 'hooks.slack.com/services/x'],
  ])('refuses %s (%s)', async (_what, url) => {
    const verdict = await policy.check(url);
    expect(verdict.allowed).toBe(false);
  });

  it.each([
    ['a public IPv4 literal', 'http://93.184.216.34/hook', '93.184.216.34', 80],
    ['a public IPv4 literal over https', 'https://93.184.216.34/hook', '93.184.216.34', 443],
    [
      'a public IPv6 literal',
      'http://[2606:2800:220:1:248:1893:25c8:1946]:8080/x',
      '2606:2800:220:1:248:1893:25c8:1946',
      8080,
    ],
    ['a name with a public address', 'https://hooks.example.com/services/T0/B0/secret', '93.184.216.34', 443],
  ])('allows %s and pins the checked address', async (_what, url, address, port) => {
    const verdict = await policy.check(url);
    expect(verdict).toMatchObject({ allowed: true, target: { address, port } });
  });

  it('gives a refusal reason for the log that never contains the URL path or query', async () => {
    const verdict = await policy.check('http://10.0.0.1:8080/services/T0/B0/secret?token=abc');
    expect(verdict.allowed).toBe(false);
    const { reason } = verdict as { reason: string };
    expect(reason).toMatch(/10\.0\.0\.1/);
    expect(reason).not.toMatch(/secret|token/);
  });
});

describe('WebhookPolicy with allowed receivers', () => {
  it('opens a private range listed in allowedCidrs, and nothing next to it', async () => {
    const policy = new WebhookPolicy({ resolve: dns, allowedCidrs: ['10.20.0.0/16', '127.0.0.1'] });
    expect(await policy.check('http://10.20.3.4:9000/hook')).toMatchObject({
      allowed: true,
      target: { address: '10.20.3.4', port: 9000 },
    });
    expect(await policy.check('http://127.0.0.1:9000/hook')).toMatchObject({ allowed: true });
    expect((await policy.check('http://10.21.0.1/hook')).allowed).toBe(false);
    expect((await policy.check('http://127.0.0.2/hook')).allowed).toBe(false);
    expect((await policy.check('http://169.254.169.254/')).allowed).toBe(false);
  });

  it('opens a host listed in allowedHosts whatever private address it resolves to', async () => {
    const policy = new WebhookPolicy({
      resolve: dns,
      allowedHosts: ['Alerts.Monitoring.svc.cluster.local'],
    });
    expect(await policy.check('http://alerts.monitoring.svc.cluster.local:9093/hook')).toMatchObject({
      allowed: true,
      target: { address: '10.1.2.3', port: 9093, hostname: 'alerts.monitoring.svc.cluster.local' },
    });
    expect((await policy.check('http://10.1.2.3:9093/hook')).allowed).toBe(false);
  });

  it('never opens unspecified, multicast or broadcast addresses', async () => {
    const policy = new WebhookPolicy({ resolve: dns, allowedCidrs: ['0.0.0.0/0', '::/0'] });
    for (const url of ['http://0.0.0.0/', 'http://[::]/', 'http://224.0.0.1/', 'http://255.255.255.255/']) {
      expect((await policy.check(url)).allowed, url).toBe(false);
    }
    expect((await policy.check('http://10.9.9.9/')).allowed).toBe(true);
  });

  it("refuses the hub's and the Kubernetes API's own endpoints even inside an allowed range", async () => {
    const policy = new WebhookPolicy({
      resolve: dns,
      allowedCidrs: ['10.0.0.0/8', '127.0.0.1/32'],
      protectedEndpoints: [
        { host: 'hub.jhub.svc.cluster.local', port: 8081, what: 'the hub API' },
        { host: '10.96.0.1', port: 443, what: 'the Kubernetes API' },
        { host: '127.0.0.1', port: 8000, what: 'hub-proxy' },
      ],
    });
    for (const url of [
      'http://hub.jhub.svc.cluster.local:8081/hub/api/users',
      'http://10.100.0.5:8081/hub/api/users',
      'https://10.96.0.1/api/v1/secrets',
      'https://10.96.0.1:443/api',
      'http://127.0.0.1:8000/services/turing/api/v1/jobs',
      'http://127.0.0.5:8000/services/turing/api/v1/jobs',
      'http://localhost:8000/services/turing/api/v1/jobs',
    ]) {
      expect((await policy.check(url)).allowed, url).toBe(false);
    }
    expect((await policy.check('http://10.100.0.5:9000/hook')).allowed).toBe(true);
    expect((await policy.check('http://127.0.0.1:9000/hook')).allowed).toBe(true);
  });
});

describe('WebhookPolicy against DNS rebinding', () => {
  it('resolves once per check and pins the address it checked, so a later answer cannot redirect it', async () => {
    const answers = [['93.184.216.34'], ['10.0.0.1']];
    const calls: string[] = [];
    const rebinding: HostResolver = async (host) => {
      calls.push(host);
      return answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
    };
    const policy = new WebhookPolicy({ resolve: rebinding });
    const first = await policy.check('https://rebind.example.com/hook');
    expect(first).toMatchObject({ allowed: true, target: { address: '93.184.216.34' } });
    expect(calls).toEqual(['rebind.example.com']);
    // The next check sees the private answer and refuses, rather than reusing a name lookup.
    expect((await policy.check('https://rebind.example.com/hook')).allowed).toBe(false);
  });
});
