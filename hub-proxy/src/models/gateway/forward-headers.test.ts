import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { downstreamHeaders, MODEL_VERSION_HEADER, upstreamHeaders } from './forward-headers.js';

/** The two things upstreamHeaders reads of a request. */
function incoming(
  headers: IncomingHttpHeaders,
  remoteAddress = '10.0.0.9',
  encrypted = false,
): IncomingMessage {
  return { headers, socket: { remoteAddress, encrypted } } as unknown as IncomingMessage;
}

describe('upstreamHeaders', () => {
  it('drops credentials and hop-by-hop fields, including those named in Connection', () => {
    const headers = upstreamHeaders(
      incoming({
        authorization: 'token hub-secret',
        cookie: 'turing=abc',
        'x-xsrf-token': 'x',
        'x-api-key': 'key',
        connection: 'keep-alive, X-Trace-Hop',
        'keep-alive': 'timeout=5',
        'x-trace-hop': '1',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic x',
        expect: '100-continue',
        'content-type': 'application/json',
        accept: 'application/json',
        'x-request-id': 'r1',
      }),
      '10.1.2.3:8501',
      12,
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-request-id': 'r1',
      host: '10.1.2.3:8501',
      'content-length': 12,
      'x-forwarded-for': '10.0.0.9',
      'x-forwarded-proto': 'http',
    });
  });

  it('appends the peer to x-forwarded-for and keeps the proto and host a proxy before it set', () => {
    const headers = upstreamHeaders(
      incoming({
        host: 'hub.example',
        'x-forwarded-for': '203.0.113.1, 10.0.0.2',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'jupyter.example',
      }),
      'b:1',
      undefined,
    );
    expect(headers['x-forwarded-for']).toBe('203.0.113.1, 10.0.0.2, 10.0.0.9');
    expect(headers['x-forwarded-proto']).toBe('https');
    expect(headers['x-forwarded-host']).toBe('jupyter.example');
    expect(headers['content-length']).toBeUndefined();
  });

  it('names the caller host and TLS when no proxy did', () => {
    const headers = upstreamHeaders(incoming({ host: 'hub.example' }, '10.0.0.9', true), 'b:1', 0);
    expect(headers['x-forwarded-host']).toBe('hub.example');
    expect(headers['x-forwarded-proto']).toBe('https');
  });
});

describe('downstreamHeaders', () => {
  it('drops hop-by-hop fields and set-cookie and adds the version and browser guards', () => {
    const headers = downstreamHeaders(
      {
        'content-type': 'application/json',
        'content-length': '20',
        connection: 'keep-alive, x-internal',
        'x-internal': '1',
        'keep-alive': 'timeout=5',
        'set-cookie': ['a=1'],
        date: 'Tue, 01 Dec 2026 00:00:00 GMT',
      },
      7,
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      'content-length': '20',
      date: 'Tue, 01 Dec 2026 00:00:00 GMT',
      [MODEL_VERSION_HEADER]: '7',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
    });
  });

  it('adds no version header when there is none', () => {
    expect(downstreamHeaders({}, undefined)[MODEL_VERSION_HEADER]).toBeUndefined();
  });
});
