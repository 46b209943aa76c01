import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { sendPinned } from './pinned-request.js';
import type { WebhookTarget } from './webhook-policy.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: { close(callback: () => void): unknown }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** An HTTP server on `host` whose handler is `answer`; records what it saw. */
async function listen(
  answer: (res: import('node:http').ServerResponse) => void,
  host = '127.0.0.1',
  port = 0,
): Promise<{ port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      answer(res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { port: (server.address() as AddressInfo).port, seen, server };
}

/** What the policy hands over for `url` once it has checked `address`. */
function target(url: string, address: string): WebhookTarget {
  const parsed = new URL(url);
  return {
    url: parsed,
    hostname: parsed.hostname,
    address,
    family: address.includes(':') ? 6 : 4,
    port: Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80),
  };
}

describe('sendPinned', () => {
  it("connects to the checked address, sending the URL's host, path and query, not a fresh lookup", async () => {
    const receiver = await listen((res) => res.writeHead(204).end());
    const url = `http://hooks.example.test:${receiver.port}/services/T0/B0/secret?x=1`;
    const response = await sendPinned(target(url, '127.0.0.1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"hi"}',
      timeoutMs: 2000,
    });
    expect(response.status).toBe(204);
    expect(receiver.seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/services/T0/B0/secret?x=1',
        body: '{"text":"hi"}',
        headers: expect.objectContaining({
          host: `hooks.example.test:${receiver.port}`,
          'content-type': 'application/json',
          'content-length': '13',
        }),
      }),
    ]);
  });

  it('sends the host name as the TLS server name while connecting to the checked address', async () => {
    const serverNames: (string | undefined)[] = [];
    const tls = createTlsServer({
      SNICallback: (name, callback) => {
        serverNames.push(name);
        callback(new Error('no certificate in this test'), undefined);
      },
    });
    servers.push(tls);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    await expect(
      sendPinned(target(`https://hooks.example.test:${port}/hook`, '127.0.0.1'), {
        method: 'HEAD',
        headers: {},
        timeoutMs: 2000,
      }),
    ).rejects.toThrow();
    expect(serverNames).toEqual(['hooks.example.test']);
  });

  it('does not follow a redirect', async () => {
    const elsewhere = await listen((res) => res.writeHead(200).end());
    const redirecting = await listen((res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/` }).end(),
    );
    const url = `http://127.0.0.1:${redirecting.port}/hook`;
    const response = await sendPinned(target(url, '127.0.0.1'), {
      method: 'POST',
      headers: {},
      timeoutMs: 2000,
    });
    expect(response.status).toBe(302);
    expect(elsewhere.seen).toEqual([]);
  });

  it('answers with the status without reading an endless response body', async () => {
    const endless = await listen((res) => {
      res.writeHead(200, { 'retry-after': '7' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const started = Date.now();
    const response = await sendPinned(target(`http://127.0.0.1:${endless.port}/`, '127.0.0.1'), {
      method: 'POST',
      headers: {},
      timeoutMs: 5000,
    });
    expect(response).toEqual({ status: 200, retryAfter: '7' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up after timeoutMs when the receiver never answers', async () => {
    const silent = await listen(() => undefined);
    const started = Date.now();
    const sending = sendPinned(target(`http://127.0.0.1:${silent.port}/`, '127.0.0.1'), {
      method: 'POST',
      headers: {},
      timeoutMs: 200,
    });
    await expect(sending).rejects.toMatchObject({ name: expect.stringMatching(/AbortError|TimeoutError/) });
    expect(Date.now() - started).toBeLessThan(2000);
    silent.server.closeAllConnections();
  });
});
