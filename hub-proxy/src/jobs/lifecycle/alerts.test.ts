import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alertEventFor,
  alertTarget,
  buildAlertPayload,
  checkWebhookReachable,
  deliverAlert,
  type AlertPayload,
} from './alerts.js';
import type { RunRecord } from '../model.js';
import { WEBHOOK_NOT_ALLOWED, WebhookPolicy, type HostResolver } from './webhook-policy.js';

/** The receivers here listen on loopback, which webhooks may reach only when configured to. */
const loopbackAllowed = new WebhookPolicy({ allowedCidrs: ['127.0.0.1/32'] });

const failedRun: RunRecord = {
  id: 'daily-ctr-1a2b3c-m0000abcd',
  jobObjectName: 'daily-ctr-1a2b3c',
  job: 'daily-ctr',
  owner: 'alice@example.org',
  state: 'failed',
  trigger: 'schedule',
  attempt: 2,
  createdAt: '2030-01-01T00:00:00.000Z',
  startedAt: '2030-01-01T00:00:05.000Z',
  finishedAt: '2030-01-01T00:01:00.000Z',
  reason: 'ZeroDivisionError: division by zero in <cell 3> & `x`',
  markers: [],
};

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real webhook receiver on loopback answering with the scripted statuses, then 200. */
async function startReceiver(script: (number | 'hang')[] = [], at = { host: '127.0.0.1', port: 0 }) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const next = script.shift() ?? 200;
      if (next === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(next, next === 429 ? { 'retry-after': '0' } : {}).end(next >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${at.host}:${port}/services/T000/B000/secretpath`;
  return {
    url,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('alertEventFor', () => {
  it('maps terminal outcomes to alert events and the rest to none', () => {
    expect(alertEventFor('succeeded')).toBe('success');
    expect(alertEventFor('failed')).toBe('failure');
    expect(alertEventFor('timed_out')).toBe('timeout');
    expect(alertEventFor('cancelled')).toBeUndefined();
    expect(alertEventFor('running')).toBeUndefined();
    expect(alertEventFor('queued')).toBeUndefined();
  });
});

describe('buildAlertPayload', () => {
  it('builds Slack text and a mrkdwn section with escaped user text', () => {
    const payload = buildAlertPayload(failedRun, 'failure', {
      runUrl: 'https://hub.example.org/jobs/x?a=1|2',
    });
    expect(payload.text).toBe(
      ':x: Job daily-ctr failed (run daily-ctr-1a2b3c-m0000abcd, owner alice@example.org)',
    );
    expect(payload.blocks).toHaveLength(1);
    const [section] = payload.blocks;
    if (!section) throw new Error('no section block');
    expect(section.type).toBe('section');
    expect(section.text.type).toBe('mrkdwn');
    expect(section.text.text).toContain('*daily-ctr* failed');
    expect(section.text.text).toContain(
      "Reason: `ZeroDivisionError: division by zero in &lt;cell 3&gt; &amp; 'x'`",
    );
    expect(section.text.text).toContain(
      'started 2030-01-01T00:00:05.000Z · finished 2030-01-01T00:01:00.000Z · attempt 2',
    );
    expect(section.text.text).toContain('<https://hub.example.org/jobs/x?a=1%7C2|Open the run>');
  });

  it('carries the plain fields under `turing` for other receivers', () => {
    const payload = buildAlertPayload(failedRun, 'failure', {});
    expect(payload.turing).toEqual({
      event: 'failure',
      runId: 'daily-ctr-1a2b3c-m0000abcd',
      job: 'daily-ctr',
      owner: 'alice@example.org',
      state: 'failed',
      trigger: 'schedule',
      attempt: 2,
      reason: failedRun.reason,
      startedAt: '2030-01-01T00:00:05.000Z',
      finishedAt: '2030-01-01T00:01:00.000Z',
    });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('words success and timeout alerts and caps a long reason', () => {
    const ok = buildAlertPayload({ ...failedRun, state: 'succeeded', reason: undefined }, 'success', {});
    expect(ok.text).toMatch(/^:white_check_mark: Job daily-ctr succeeded/);
    expect(ok.blocks[0]?.text.text).not.toContain('Reason');
    const late = buildAlertPayload(
      { ...failedRun, state: 'timed_out', reason: 'x'.repeat(10_000) },
      'timeout',
      {},
    );
    expect(late.text).toMatch(/^:hourglass: Job daily-ctr timed out/);
    expect(late.turing.reason?.length).toBeLessThanOrEqual(1500);
    expect(late.blocks[0]?.text.text.length).toBeLessThan(3000);
  });
});

describe('alertTarget', () => {
  it('keeps only the origin of a webhook URL', () => {
    expect(alertTarget('https://hooks.slack.com/services/T000/B000/XXXX?token=y')).toBe(
      'https://hooks.slack.com',
    );
    expect(alertTarget('http://127.0.0.1:9000/hook')).toBe('http://127.0.0.1:9000');
    expect(alertTarget('not a url/with/secret')).toBe('invalid URL');
    expect(alertTarget('ftp://example.org/x')).toBe('invalid URL');
  });
});

describe('deliverAlert to a real HTTP receiver', () => {
  const receivers: { close(): Promise<void> }[] = [];
  const receiver = async (script?: (number | 'hang')[], at?: { host: string; port: number }) => {
    const r = await startReceiver(script, at);
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  const payload: AlertPayload = buildAlertPayload(failedRun, 'failure', {});
  const fast = { backoffMs: 10, timeoutMs: 2000, policy: loopbackAllowed };

  it('POSTs the JSON payload once, with the idempotency key', async () => {
    const hook = await receiver();
    const result = await deliverAlert(hook.url, payload, { ...fast, idempotencyKey: 'run-1/failure' });
    expect(result).toEqual({ delivered: true, attempts: 1, status: 200 });
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('run-1/failure');
    expect(JSON.parse(request?.body ?? '')).toEqual(payload);
  });

  it('retries after a 500 and a 429 with the same key, then succeeds', async () => {
    const hook = await receiver([500, 429]);
    const result = await deliverAlert(hook.url, payload, { ...fast, idempotencyKey: 'k' });
    expect(result).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(hook.received.map((r) => r.headers['idempotency-key'])).toEqual(['k', 'k', 'k']);
  });

  it('does not retry after a 400', async () => {
    const hook = await receiver([400]);
    const result = await deliverAlert(hook.url, payload, { ...fast, idempotencyKey: 'k' });
    expect(result).toEqual({ delivered: false, attempts: 1, status: 400, error: 'HTTP 400' });
    expect(hook.received).toHaveLength(1);
  });

  it('gives up after the configured attempts of 5xx', async () => {
    const hook = await receiver([503, 502, 500, 500]);
    const result = await deliverAlert(hook.url, payload, { ...fast, attempts: 3, idempotencyKey: 'k' });
    expect(result).toEqual({ delivered: false, attempts: 3, status: 500, error: 'HTTP 500' });
    expect(hook.received).toHaveLength(3);
  });

  it('retries a receiver that does not answer in time', async () => {
    const hook = await receiver(['hang']);
    const result = await deliverAlert(hook.url, payload, {
      backoffMs: 10,
      timeoutMs: 1000,
      policy: loopbackAllowed,
      idempotencyKey: 'k',
    });
    expect(result).toEqual({ delivered: true, attempts: 2, status: 200 });
    expect(hook.received).toHaveLength(2);
  });

  it('reports a refused connection without the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/services/T000/B000/secretpath`;
    const result = await deliverAlert(url, payload, { ...fast, attempts: 2, idempotencyKey: 'k' });
    expect(result).toEqual({ delivered: false, attempts: 2, error: 'connection refused' });
    expect(JSON.stringify(result)).not.toContain('secretpath');
  });

  it('refuses a URL that is not http(s) without sending anything', async () => {
    const result = await deliverAlert('file:///etc/passwd', payload, { ...fast, idempotencyKey: 'k' });
    expect(result).toMatchObject({ delivered: false, attempts: 0, error: WEBHOOK_NOT_ALLOWED });
  });

  it('refuses a loopback receiver by default without sending anything, and says why only in `refused`', async () => {
    const hook = await receiver();
    const result = await deliverAlert(hook.url, payload, {
      ...fast,
      policy: new WebhookPolicy({}),
      idempotencyKey: 'k',
    });
    expect(result).toEqual({
      delivered: false,
      attempts: 0,
      error: WEBHOOK_NOT_ALLOWED,
      refused: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(hook.received).toEqual([]);
  });

  it("connects to the checked address and sends the URL's host name as Host", async () => {
    const hook = await receiver();
    const dns: HostResolver = async (host) => (host === 'hooks.example.test' ? ['127.0.0.1'] : []);
    const policy = new WebhookPolicy({ allowedCidrs: ['127.0.0.1/32'], resolve: dns });
    const url = `http://hooks.example.test:${hook.port}/services/T000/B000/secretpath`;
    const result = await deliverAlert(url, payload, { ...fast, policy, idempotencyKey: 'k' });
    expect(result).toEqual({ delivered: true, attempts: 1, status: 200 });
    expect(hook.received.map((r) => r.headers.host)).toEqual([`hooks.example.test:${hook.port}`]);
  });

  it('keeps every attempt on the checked address when DNS rebinds to a refused one between attempts', async () => {
    const checked = await receiver([500, 500]);
    // Same port, another loopback address: what a rebinding answer would point at.
    const rebound = await receiver([], { host: '127.0.0.2', port: checked.port });
    const answers: string[][] = [['127.0.0.1'], ['127.0.0.2']];
    let lookups = 0;
    const rebinding: HostResolver = async () => answers[Math.min(lookups++, 1)] ?? [];
    const policy = new WebhookPolicy({ allowedCidrs: ['127.0.0.1/32'], resolve: rebinding });
    const url = `http://hooks.example.test:${checked.port}/hook`;
    const result = await deliverAlert(url, payload, { ...fast, attempts: 3, policy, idempotencyKey: 'k' });
    expect(result).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(checked.received).toHaveLength(3);
    expect(rebound.received).toEqual([]);
    expect(lookups).toBe(1);
  });
});

describe('checkWebhookReachable', () => {
  it('counts any HTTP answer as reachable and sends a HEAD, not an alert', async () => {
    const hook = await startReceiver([405]);
    try {
      expect(await checkWebhookReachable(hook.url, { policy: loopbackAllowed })).toEqual({ reachable: true });
      expect(hook.received.map((r) => r.method)).toEqual(['HEAD']);
    } finally {
      await hook.close();
    }
  });

  it('reports a port nothing listens on as unreachable', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    expect(await checkWebhookReachable(url, { policy: loopbackAllowed })).toEqual({
      reachable: false,
      reason: 'connection refused',
    });
  });

  it('reports a server that never answers as unreachable after the timeout', async () => {
    const hook = await startReceiver(['hang']);
    try {
      const started = Date.now();
      expect(await checkWebhookReachable(hook.url, { timeoutMs: 200, policy: loopbackAllowed })).toEqual({
        reachable: false,
        reason: 'no response within 200 ms',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await hook.close();
    }
  });

  it('reports an unknown host and a malformed URL with readable reasons (for the log)', async () => {
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const policy = new WebhookPolicy({ resolve: failing });
    expect(await checkWebhookReachable('http://no-such-host.invalid/hook', { policy })).toEqual({
      reachable: false,
      reason: expect.stringMatching(/lookup failed/),
    });
    expect(await checkWebhookReachable('hooks.slack.com/services/x', { policy })).toEqual({
      reachable: false,
      reason: expect.stringMatching(/not an http\(s\) URL/),
    });
  });

  it('refuses what the policy refuses without connecting', async () => {
    const hook = await startReceiver();
    try {
      const result = await checkWebhookReachable(hook.url, { policy: new WebhookPolicy({}) });
      expect(result).toEqual({ reachable: false, reason: expect.stringMatching(/loopback/) });
      expect(hook.received).toEqual([]);
    } finally {
      await hook.close();
    }
  });
});
