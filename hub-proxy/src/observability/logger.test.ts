import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { requestContext } from '../http/context.js';
import { requestId } from '../http/request-id.js';
import { createLogger, redactUrl } from './logger.js';
import { requestLog } from './request-log.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  it('keeps tokens, cookies and OAuth codes out of request logs', async () => {
    const token = 'e1f0c6a1b7d94a0c9c5b1d2e3f405162';
    const cookieToken = '7f3e2d1c0b9a8f7e6d5c4b3a29180706';
    const code = 'oauthcode5d4c3b2a1f0e';
    const { lines, stream } = capture();
    const logger = createLogger({ destination: stream });
    const app = express();
    app.use(requestId(logger));
    app.use(requestLog());
    app.get('/x', (req, res) => {
      requestContext(req).log.info(
        { token, nested: { access_token: token, client_secret: token } },
        'handler',
      );
      res.append('Set-Cookie', `turing-auth=${cookieToken}; HttpOnly`).json({ ok: true });
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/x?code=${code}&token=${token}&keep=1`, {
      headers: {
        Authorization: `token ${token}`,
        Cookie: `turing-auth=${cookieToken}`,
        Referer: `http://hub/services/turing/oauth_callback?code=${code}`,
      },
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const output = lines.join('');
    expect(output).toContain('request completed');
    expect(output).toContain('keep=1');
    expect(output).not.toContain(token);
    expect(output).not.toContain(cookieToken);
    expect(output).not.toContain(code);
  });

  it('writes JSON lines carrying the request id', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestId(createLogger({ destination: stream })));
    app.use(requestLog());
    app.get('/y', (_req, res) => res.send('ok'));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/y`, { headers: { 'X-Request-Id': 'abc-123' } });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const entry = JSON.parse(lines.at(-1) ?? '{}') as { requestId: string; level: string };
    expect(entry).toMatchObject({ requestId: 'abc-123', level: 'info' });
  });

  it('redacts credential query parameters and keeps the rest', () => {
    expect(redactUrl('/cb?code=abc&state=s&next=%2Fx')).toBe(
      '/cb?code=[REDACTED]&state=[REDACTED]&next=%2Fx',
    );
    expect(redactUrl('/plain')).toBe('/plain');
  });

  it('redacts credentials inside a URL carried in a parameter, e.g. the next of a silent login', () => {
    const token = 'e1f0c6a1b7d94a0c9c5b1d2e3f405162';
    const next = `/services/turing/api/v1/me?token=${token}&keep=1`;
    const once = redactUrl(`/services/turing/oauth_login?next=${encodeURIComponent(next)}`);
    expect(once).not.toContain(token);
    expect(decodeURIComponent(once)).toBe(
      '/services/turing/oauth_login?next=/services/turing/api/v1/me?token=[REDACTED]&keep=1',
    );
    // Encoded twice (a next inside a next), and a referer with a fragment.
    const twice = `/a?next=${encodeURIComponent(`/b?next=${encodeURIComponent(next)}`)}`;
    expect(redactUrl(twice)).not.toContain(token);
    expect(redactUrl(`http://hub/x?code=${token}#frag`)).toBe('http://hub/x?code=[REDACTED]#frag');
    // Nothing to redact: left byte for byte as it was.
    expect(redactUrl('/a?next=%2Fb%3Fpage%3D2&q=a+b')).toBe('/a?next=%2Fb%3Fpage%3D2&q=a+b');
  });
});
