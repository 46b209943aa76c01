import { describe, expect, it } from 'vitest';

import { TuringClient } from './client';
import { TuringApiError, TuringLoginRequiredError } from './errors';
import { EventStreamParser } from './sse';

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** A client over a fake fetch that answers `responses` in order and records the calls. */
function harness(responses: Array<Response | (() => Response)>) {
  const calls: Call[] = [];
  const fakeFetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const next = responses.shift();
    if (next === undefined) {
      throw new Error(`unexpected request ${String(url)}`);
    }
    return typeof next === 'function' ? next() : next;
  };
  const client = new TuringClient({
    hub: { hubHost: '', hubPrefix: '/hub/', baseUrl: '/user/alice/', user: 'alice', serverName: '' },
    loginUrl: '/hub/login',
    fetch: fakeFetch as typeof fetch,
    cookies: () => 'turing-xsrf=x',
  });
  return { client, calls };
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

/** A Response whose body arrives as the given chunks, optionally with a final URL. */
function streamed(chunks: string[], type: string, url?: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((c) => controller.enqueue(encoder.encode(c)));
      controller.close();
    },
  });
  const response = new Response(body, { headers: { 'content-type': type } });
  if (url) {
    Object.defineProperty(response, 'url', { value: url });
  }
  return response;
}

describe('TuringClient jobs requests', () => {
  it('uses the documented paths and methods, encoding names', async () => {
    const { client, calls } = harness([
      json({ items: [] }),
      json({ name: 'a' }, 201),
      json({ name: 'a b' }),
      json({ name: 'a' }),
      new Response(null, { status: 204 }),
      json({ items: [] }),
      json({ id: 'r1' }),
      json({ id: 'r1', state: 'cancelled' }),
    ]);
    await client.jobs.list();
    await client.jobs.create({
      name: 'a',
      notebook: { path: 'x.ipynb', content: { nbformat: 4, cells: [] } },
      environment: 'cpu',
    });
    await client.jobs.get('a b');
    await client.jobs.update('a', { suspend: true });
    await expect(client.jobs.delete('a')).resolves.toBeUndefined();
    await client.jobs.listRuns('a');
    await client.jobs.getRun('r1');
    await expect(client.jobs.cancelRun('r1')).resolves.toMatchObject({ state: 'cancelled' });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /services/turing/api/v1/jobs',
      'POST /services/turing/api/v1/jobs',
      'GET /services/turing/api/v1/jobs/a%20b',
      'PATCH /services/turing/api/v1/jobs/a',
      'DELETE /services/turing/api/v1/jobs/a',
      'GET /services/turing/api/v1/jobs/a/runs',
      'GET /services/turing/api/v1/runs/r1',
      'DELETE /services/turing/api/v1/runs/r1',
    ]);
    expect(calls[1]?.body).toMatchObject({ name: 'a', environment: 'cpu', notebook: { path: 'x.ipynb' } });
    expect(calls[3]?.body).toEqual({ suspend: true });
    expect(calls[3]?.headers.get('X-XSRF-Token')).toBe('x');
  });

  it('starts a run with an empty body, or with parameter overrides', async () => {
    const { client, calls } = harness([json({ id: 'r1' }, 201), json({ id: 'r2' }, 201)]);
    await client.jobs.run('daily');
    await client.jobs.run('daily', { n: 3, date: '2026-01-01' });
    expect(calls[0]?.url).toBe('/services/turing/api/v1/jobs/daily/runs');
    expect(calls[0]?.body).toEqual({});
    expect(calls[1]?.body).toEqual({ parameters: { n: 3, date: '2026-01-01' } });
  });

  it('keeps the field list of a 400 for the dialog to map onto its fields', async () => {
    const problem = {
      title: 'Validation Failed',
      status: 400,
      detail: 'The request has invalid fields.',
      errors: [{ field: 'body.schedule.cron', message: 'expected 5 fields' }],
    };
    const { client } = harness([json(problem, 400, 'application/problem+json')]);
    const error = (await client.jobs
      .create({ name: 'a', notebook: { path: 'a.ipynb', content: {} }, environment: 'cpu' })
      .catch((e: unknown) => e)) as TuringApiError;
    expect(error).toBeInstanceOf(TuringApiError);
    expect(error.errors).toEqual([{ field: 'body.schedule.cron', message: 'expected 5 fields' }]);
  });

  it('asks for a schedule preview with cron, zone and count in the query', async () => {
    const preview = { cron: '0 2 * * *', timezone: 'Asia/Shanghai', description: 'At 02:00', nextRuns: [] };
    const { client, calls } = harness([json(preview)]);
    await expect(client.jobs.schedulePreview('0 2 * * *', 'Asia/Shanghai', 5)).resolves.toEqual(preview);
    const url = new URL(calls[0]?.url ?? '', 'http://x');
    expect(url.pathname).toBe('/services/turing/api/v1/schedule/preview');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      cron: '0 2 * * *',
      timezone: 'Asia/Shanghai',
      count: '5',
    });
  });
});

describe('TuringClient run logs and outputs', () => {
  it('follows a log: text chunks in order, then the end event with the final state', async () => {
    const { client, calls } = harness([
      streamed(
        [
          'data: {"text": "cell 1\\n"}\n\n: ping\n\nda',
          'ta: {"text": "cell 2\\n"}\n\nevent: end\ndata: {"state": "succeeded"}\n\n',
          'data: {"text": "after the end"}\n\n',
        ],
        'text/event-stream',
      ),
    ]);
    const chunks: string[] = [];
    await expect(client.jobs.followRunLog('r1', (t) => chunks.push(t))).resolves.toEqual({
      state: 'succeeded',
    });
    expect(chunks).toEqual(['cell 1\n', 'cell 2\n']);
    expect(calls[0]?.url).toBe('/services/turing/api/v1/runs/r1/log?follow=1');
    expect(calls[0]?.headers.get('Accept')).toBe('text/event-stream');
  });

  it('rejects when the log stream closes without an end event', async () => {
    const { client } = harness([streamed(['data: {"text": "x"}\n\n'], 'text/event-stream')]);
    await expect(client.jobs.followRunLog('r1', () => undefined)).rejects.toMatchObject({
      status: 0,
      title: 'Log stream ended',
    });
  });

  it('reads a finished log as text and an output notebook as JSON', async () => {
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
    const { client, calls } = harness([
      new Response('line 1\nline 2\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      json(notebook, 200, 'application/x-ipynb+json'),
    ]);
    await expect(client.jobs.runLog('r1')).resolves.toBe('line 1\nline 2\n');
    await expect(client.jobs.runOutput('r1', 'ipynb')).resolves.toEqual(notebook);
    expect(calls[1]?.url).toBe('/services/turing/api/v1/runs/r1/output?format=ipynb');
  });

  it('returns the HTML output, but still detects the login page at another path', async () => {
    const requested = 'http://hub.test/services/turing/api/v1/runs/r1/output?format=html';
    const { client } = harness([
      streamed(['<html>report</html>'], 'text/html', requested),
      streamed(['<html>login</html>'], 'text/html', 'http://hub.test/hub/login?next=x'),
    ]);
    await expect(client.jobs.runOutput('r1', 'html')).resolves.toBe('<html>report</html>');
    await expect(client.jobs.runOutput('r1', 'html')).rejects.toBeInstanceOf(TuringLoginRequiredError);
  });

  it('turns a missing output into a 404 TuringApiError', async () => {
    const { client } = harness([
      json({ title: 'Not Found', status: 404, detail: 'no output yet' }, 404, 'application/problem+json'),
    ]);
    await expect(client.jobs.runOutput('r1', 'ipynb')).rejects.toMatchObject({
      status: 404,
      detail: 'no output yet',
    });
  });
});

describe("TuringClient on another user's job (admins)", () => {
  it('sends ?user=<owner> on every job and run request that names one', async () => {
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
    const { client, calls } = harness([
      json({ items: [] }),
      json({ name: 'daily' }),
      json({ name: 'daily' }),
      new Response(null, { status: 204 }),
      json({ id: 'r1' }, 201),
      json({ items: [] }),
      json({ id: 'r1' }),
      json({ id: 'r1', state: 'cancelled' }),
      new Response('log', { headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      streamed(['event: end\ndata: {"state": "succeeded"}\n\n'], 'text/event-stream'),
      json(notebook, 200, 'application/x-ipynb+json'),
      streamed(['<p>report</p>'], 'text/html'),
    ]);
    const bob = { user: 'bob' };
    await client.jobs.list(bob);
    await client.jobs.get('daily', bob);
    await client.jobs.update('daily', { suspend: true }, bob);
    await client.jobs.delete('daily', bob);
    await client.jobs.run('daily', undefined, bob);
    await client.jobs.listRuns('daily', bob);
    await client.jobs.getRun('r1', bob);
    await client.jobs.cancelRun('r1', bob);
    await client.jobs.runLog('r1', bob);
    await client.jobs.followRunLog('r1', () => undefined, bob);
    await client.jobs.runOutput('r1', 'ipynb', bob);
    await client.jobs.runOutput('r1', 'html', bob);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /services/turing/api/v1/jobs?user=bob',
      'GET /services/turing/api/v1/jobs/daily?user=bob',
      'PATCH /services/turing/api/v1/jobs/daily?user=bob',
      'DELETE /services/turing/api/v1/jobs/daily?user=bob',
      'POST /services/turing/api/v1/jobs/daily/runs?user=bob',
      'GET /services/turing/api/v1/jobs/daily/runs?user=bob',
      'GET /services/turing/api/v1/runs/r1?user=bob',
      'DELETE /services/turing/api/v1/runs/r1?user=bob',
      'GET /services/turing/api/v1/runs/r1/log?user=bob',
      'GET /services/turing/api/v1/runs/r1/log?follow=1&user=bob',
      'GET /services/turing/api/v1/runs/r1/output?format=ipynb&user=bob',
      'GET /services/turing/api/v1/runs/r1/output?format=html&user=bob',
    ]);
  });

  it('encodes the owner, and sends no user when none is named', async () => {
    const { client, calls } = harness([json({ name: 'daily' }), json({ name: 'daily' })]);
    await client.jobs.get('daily', { user: 'a b&c=d' });
    await client.jobs.get('daily', {});
    expect(calls.map((c) => c.url)).toEqual([
      '/services/turing/api/v1/jobs/daily?user=a+b%26c%3Dd',
      '/services/turing/api/v1/jobs/daily',
    ]);
  });
});

describe('EventStreamParser event names', () => {
  it('reports each event with its name, defaulting to message, and resets the name per event', () => {
    const seen: Array<[string, string]> = [];
    const parser = new EventStreamParser((data, event) => seen.push([event, data]));
    parser.push('event: end\ndata: {"state":"failed"}\n\ndata: x\n\nevent: lonely\n\ndata: y\n\n');
    expect(seen).toEqual([
      ['end', '{"state":"failed"}'],
      ['message', 'x'],
      ['message', 'y'],
    ]);
  });
});
