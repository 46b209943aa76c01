import { describe, expect, it } from 'vitest';
import { isDeniedAddress, webhookPolicyProblem } from './webhook-policy.js';

describe('webhook policy', () => {
  it('refuses the cloud metadata address and other link-local, unspecified and multicast ones', () => {
    for (const address of [
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      'fe80::1',
      '::',
      'ff02::1',
      '::ffff:169.254.169.254',
    ]) {
      expect(isDeniedAddress(address), address).toBe(true);
    }
  });

  it('allows public, private and loopback addresses (in-cluster receivers are common)', () => {
    for (const address of ['8.8.8.8', '10.0.0.5', '192.168.1.2', '127.0.0.1', '::1', 'fd00::5']) {
      expect(isDeniedAddress(address), address).toBe(false);
    }
  });

  it('checks what a host name resolves to', async () => {
    const resolve = async (host: string) =>
      host === 'metadata.internal' ? ['169.254.169.254'] : ['10.1.2.3'];
    expect(await webhookPolicyProblem('http://metadata.internal/computeMetadata/v1/', resolve)).toMatch(
      /169\.254\.169\.254 is link-local/,
    );
    expect(await webhookPolicyProblem('https://alerts.svc.cluster.local/hook', resolve)).toBeUndefined();
    expect(await webhookPolicyProblem('http://[fe80::1]:8080/x')).toMatch(/fe80::1/);
  });

  it('leaves unresolvable hosts to the reachability check', async () => {
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await webhookPolicyProblem('https://no-such-host.invalid/x', failing)).toBeUndefined();
  });
});
