import { describe, expect, it, vi } from 'vitest';

import { TuringClient } from './client';
import { TuringApiError, TuringLoginRequiredError, describeError } from './errors';
import type { SpawnProgressEvent } from './types';

interface Call {
  url: string;
  init: RequestInit;
}

function harness(
  responses: Array<Response | (() => Response) | Error>,
  cookies = 'a=b; turing-xsrf=tok%2Fen',
) {
  const calls: Call[] = [];
  let cookieJar = cookies;
  const fetchMock = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (next === undefined) {
      throw new Error('unexpected request');
    }
    if (next instanceof Error) {
      throw next;
    }
    return typeof next === 'function' ? next() : next;
  });
  const client = new TuringClient({
    hub: { hubHost: '', hubPrefix: '/hub/', baseUrl: '/user/alice/', user: 'alice', serverName: '' },
    loginUrl: '/hub/login?next=%2Fuser%2Falice%2Flab',
    fetch: fetchMock as unknown as typeof fetch,
    cookies: () => cookieJar,
  });
  return { client, calls, setCookies: (c: string) => (cookieJar = c) };
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('TuringClient requests', () => {
  it('GETs the service API on the hub origin, not under the user server', async () => {
    const { client, calls } = harness([json({ name: 'alice' })]);
    await expect(client.me()).resolves.toEqual({ name: 'alice' });
    expect(calls[0]?.url).toBe('/services/turing/api/v1/me');
    expect(calls[0]?.init.credentials).toBe('same-origin');
    expect(calls[0]?.init.method).toBe('GET');
    expect(new Headers(calls[0]?.init.headers).has('X-XSRF-Token')).toBe(false);
  });

  it('names GPU types given as ids (hub-proxy form) from gpus.types', async () => {
    const raw = {
      environments: [
        { id: 'torch', gpu: { resource: 'nvidia.com/gpu', counts: [1], types: ['a100', 'x'] } },
        { id: 'cpu' },
      ],
      gpus: {
        available: true,
        types: [
          { type: 'a100', displayName: 'NVIDIA A100', free: 1, allocatable: 1, largestFreeOnOneNode: 1 },
        ],
      },
      quota: { maxGpus: 2, usedGpus: 0, remainingGpus: 2 },
    };
    const { client } = harness([json(raw)]);
    const answer = await client.environments.list();
    expect(answer.environments[0]?.gpu?.types).toEqual([
      { id: 'a100', displayName: 'NVIDIA A100' },
      { id: 'x', displayName: 'x' },
    ]);
    expect(answer.environments[1]).toEqual({ id: 'cpu' });
    expect(answer.gpus.available).toBe(true);
  });

  it('sends the decoded turing-xsrf cookie as X-XSRF-Token on writes', async () => {
    const { client, calls } = harness([json({ progressUrl: '/p' }, 202)]);
    const answer = await client.environments.switchServer({ environment: 'torch', gpus: 2, gpuType: 'a100' });
    expect(answer).toEqual({ progressUrl: '/p' });
    const headers = new Headers(calls[0]?.init.headers);
    expect(calls[0]?.url).toBe('/services/turing/api/v1/me/server');
    expect(calls[0]?.init.method).toBe('POST');
    expect(headers.get('X-XSRF-Token')).toBe('tok/en');
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      environment: 'torch',
      gpus: 2,
      gpuType: 'a100',
    });
  });

  it('runs the silent login (a GET) first when the xsrf cookie is missing', async () => {
    const h = harness(
      [() => (h.setCookies('turing-xsrf=fresh'), json({ name: 'alice' })), json({ progressUrl: '/p' }, 202)],
      '',
    );
    await h.client.environments.switchServer({ environment: 'cpu', gpus: 0 });
    expect(h.calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /services/turing/api/v1/me',
      'POST /services/turing/api/v1/me/server',
    ]);
    expect(new Headers(h.calls[1]?.init.headers).get('X-XSRF-Token')).toBe('fresh');
  });

  it('turns an HTML answer (the hub login page) into TuringLoginRequiredError', async () => {
    const { client } = harness([
      new Response('<html>login</html>', {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      }),
    ]);
    const error = await client.environments.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TuringLoginRequiredError);
    expect(error).toBeInstanceOf(TuringApiError);
    expect((error as TuringLoginRequiredError).loginUrl).toBe('/hub/login?next=%2Fuser%2Falice%2Flab');
  });

  it('does not mistake an HTML error page (no service behind the path) for the login page', async () => {
    const { client } = harness([
      new Response('<html>404</html>', {
        status: 404,
        statusText: 'Not Found',
        headers: { 'content-type': 'text/html' },
      }),
    ]);
    const error = await client.me().catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(TuringLoginRequiredError);
    expect(error).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('parses problem+json into status, title, detail and field errors', async () => {
    const problem = {
      type: 'https://turing.dev/problems/validation',
      title: 'Validation Failed',
      status: 400,
      detail: 'The request has invalid fields.',
      errors: [{ field: 'body.gpus', message: 'Too big: expected number to be <=4' }, { bogus: true }],
      requestId: 'r-1',
    };
    const { client } = harness([json(problem, 400, 'application/problem+json; charset=utf-8')]);
    const error = (await client.environments
      .switchServer({ environment: 'x', gpus: 9 })
      .catch((e: unknown) => e)) as TuringApiError;
    expect(error).toBeInstanceOf(TuringApiError);
    expect(error.status).toBe(400);
    expect(error.title).toBe('Validation Failed');
    expect(error.detail).toBe('The request has invalid fields.');
    expect(error.errors).toEqual([{ field: 'body.gpus', message: 'Too big: expected number to be <=4' }]);
    expect(error.requestId).toBe('r-1');
    expect(describeError(error)).toEqual({
      title: 'Validation Failed',
      detail: 'The request has invalid fields.',
      fields: ['gpus: Too big: expected number to be <=4'],
      requestId: 'r-1',
    });
  });

  it('falls back to the status text for errors that are not problem+json', async () => {
    const { client } = harness([
      new Response('upstream down', {
        status: 502,
        statusText: 'Bad Gateway',
        headers: { 'content-type': 'text/plain' },
      }),
    ]);
    const error = (await client.me().catch((e: unknown) => e)) as TuringApiError;
    expect(error.status).toBe(502);
    expect(error.title).toBe('Bad Gateway');
    expect(error.detail).toBe('upstream down');
  });

  it('reports a network failure as status 0', async () => {
    const { client } = harness([new TypeError('Failed to fetch')]);
    const error = (await client.me().catch((e: unknown) => e)) as TuringApiError;
    expect(error).toBeInstanceOf(TuringApiError);
    expect(error.status).toBe(0);
    expect(error.title).toBe('Network error');
  });

  it('reports a 200 answer that is not JSON', async () => {
    const { client } = harness([new Response('nope', { headers: { 'content-type': 'application/json' } })]);
    await expect(client.me()).rejects.toMatchObject({ title: 'Invalid response' });
  });
});

function sseResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(encoder.encode(chunk));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('TuringClient environments.spawnProgress', () => {
  it('streams events until ready and resolves with the final one', async () => {
    const { client, calls } = harness([
      sseResponse([
        'data: {"progress": 10, "message": "Pod scheduled"}\n\n: keep-alive\n\nda',
        'ta: {"progress": 50, "message": "Pulling image"}\r\n\r\n',
        'data: {"progress": 100, "ready": true, "url": "/user/alice/"}\n\n',
        'data: {"progress": 100, "message": "ignored after ready"}\n\n',
      ]),
    ]);
    const events: SpawnProgressEvent[] = [];
    const final = await client.environments.spawnProgress('/hub/api/users/alice/server/progress', (e) =>
      events.push(e),
    );
    expect(calls[0]?.url).toBe('/hub/api/users/alice/server/progress');
    expect(new Headers(calls[0]?.init.headers).get('Accept')).toBe('text/event-stream');
    expect(events.map((e) => e.progress)).toEqual([10, 50, 100]);
    expect(final).toEqual({ progress: 100, ready: true, url: '/user/alice/' });
  });

  it('resolves relative progress URLs against the service', async () => {
    const { client, calls } = harness([sseResponse(['data: {"failed": true, "message": "quota"}\n\n'])]);
    await expect(
      client.environments.spawnProgress('api/v1/me/server/progress', () => undefined),
    ).resolves.toMatchObject({
      failed: true,
    });
    expect(calls[0]?.url).toBe('/services/turing/api/v1/me/server/progress');
  });

  it('rejects when the stream ends before ready or failed', async () => {
    const { client } = harness([sseResponse(['data: {"progress": 10}\n\n'])]);
    await expect(client.environments.spawnProgress('/p', () => undefined)).rejects.toMatchObject({
      title: 'Progress stream ended',
    });
  });

  it('detects the login page instead of a stream', async () => {
    const { client } = harness([new Response('<html/>', { headers: { 'content-type': 'text/html' } })]);
    await expect(client.environments.spawnProgress('/p', () => undefined)).rejects.toBeInstanceOf(
      TuringLoginRequiredError,
    );
  });
});
