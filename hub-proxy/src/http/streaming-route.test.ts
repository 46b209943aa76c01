import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFound, UpstreamFailed } from '../errors/index.js';
import { createLogger } from '../observability/logger.js';
import { buildOpenApi } from './openapi.js';
import { problemHandler } from './problem.js';
import { requestId } from './request-id.js';
import type { RouteDefinition } from './route.js';
import { defineStreamRoute, formatSseEvent, SSE_HEARTBEAT, type SseEvent } from './streaming-route.js';

let server: Server | undefined;
afterEach(async () => {
  // Drop kept-alive sockets too, or close() waits for their idle timeout.
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

let logs: Array<Record<string, unknown>> = [];

async function serve(...routes: RouteDefinition[]): Promise<string> {
  logs = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = express();
  app.use(requestId(createLogger({ level: 'info', destination })));
  for (const { spec, handlers } of routes) app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Polls until `check` holds (up to 2 s). */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
}

const base = { method: 'get' as const, tags: ['test'], auth: 'none' as const };
const sse = { 'text/event-stream': { description: 'Events.' } };

describe('formatSseEvent', () => {
  it('frames data as one JSON line, with optional event and id lines, ending in a blank line', () => {
    expect(formatSseEvent({ data: { text: 'a\nb' } })).toBe('data: {"text":"a\\nb"}\n\n');
    expect(formatSseEvent({ event: 'end', id: '7', data: { state: 'succeeded' } })).toBe(
      'event: end\nid: 7\ndata: {"state":"succeeded"}\n\n',
    );
    expect(formatSseEvent({ data: undefined })).toBe('data: null\n\n');
  });

  it('keeps a line break in a field from forging another field', () => {
    expect(formatSseEvent({ event: 'x\ndata: forged', id: '1\r\n', data: 1 })).toBe(
      'event: xdata: forged\nid: 1\ndata: 1\n\n',
    );
  });
});

describe('defineStreamRoute: Server-Sent Events', () => {
  it('sends the events framed, with the event-stream headers, then ends', async () => {
    const route = defineStreamRoute({
      ...base,
      path: '/events',
      operationId: 'events',
      summary: 'Events',
      query: z.object({ n: z.coerce.number().int().min(1).max(5) }),
      produces: sse,
      handler: ({ query }) => ({
        kind: 'sse',
        events: (async function* (): AsyncGenerator<SseEvent> {
          for (let i = 1; i <= query.n; i++) yield { data: { i } };
          yield { event: 'end', id: 'last', data: { state: 'succeeded' } };
        })(),
      }),
    });
    const url = await serve(route);
    const res = await fetch(`${url}/events?n=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(await res.text()).toBe(
      'data: {"i":1}\n\ndata: {"i":2}\n\nevent: end\nid: last\ndata: {"state":"succeeded"}\n\n',
    );
    // Input is validated like any route's.
    const bad = await fetch(`${url}/events?n=9`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('query.n');
  });

  it('sends heartbeat comments while no event comes', async () => {
    const route = defineStreamRoute({
      ...base,
      path: '/slow',
      operationId: 'slow',
      summary: 'Slow',
      produces: sse,
      heartbeatMs: 20,
      handler: () => ({
        kind: 'sse',
        events: (async function* () {
          await sleep(90);
          yield { data: 'late' };
        })(),
      }),
    });
    const text = await (await fetch(`${await serve(route)}/slow`)).text();
    expect(text.startsWith(SSE_HEARTBEAT)).toBe(true);
    expect(text.endsWith('data: "late"\n\n')).toBe(true);
  });

  it('aborts the handler signal and closes the iterator when the client goes away', async () => {
    let signal: AbortSignal | undefined;
    let closed = false;
    let returned = false;
    const route = defineStreamRoute({
      ...base,
      path: '/forever',
      operationId: 'forever',
      summary: 'Forever',
      produces: sse,
      handler: (input) => {
        signal = input.signal;
        const events = (async function* () {
          try {
            yield { data: 'first' };
            await sleep(60_000, input.signal);
            yield { data: 'never sent' };
          } finally {
            closed = true;
          }
        })();
        // Spy on the layer calling return() (the generator's own finally shows it ran).
        const original = events.return.bind(events);
        events.return = (value) => ((returned = true), original(value));
        return { kind: 'sse', events };
      },
    });
    const url = await serve(route);
    const client = new AbortController();
    const res = await fetch(`${url}/forever`, { signal: client.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: "first"\n\n');
    expect(signal?.aborted).toBe(false);
    client.abort();
    await eventually(() => signal?.aborted === true && returned && closed);
    expect(logs.some((l) => l.msg === 'stream ended early')).toBe(false);
  });

  it('calls return() on an iterator that ignores the signal and never yields again', async () => {
    let returned = false;
    const stuck: AsyncIterable<SseEvent> = {
      [Symbol.asyncIterator]: () => {
        let sent = false;
        return {
          next: () =>
            sent
              ? new Promise<IteratorResult<SseEvent>>(() => undefined)
              : ((sent = true), Promise.resolve({ done: false, value: { data: 1 } })),
          return: () => ((returned = true), Promise.resolve({ done: true, value: undefined })),
        };
      },
    };
    const route = defineStreamRoute({
      ...base,
      path: '/stuck',
      operationId: 'stuck',
      summary: 'Stuck',
      produces: sse,
      handler: () => ({ kind: 'sse', events: stuck }),
    });
    const client = new AbortController();
    const res = await fetch(`${await serve(route)}/stuck`, { signal: client.signal });
    await (res.body as ReadableStream<Uint8Array>).getReader().read();
    client.abort();
    await eventually(() => returned);
  });

  it('answers a handler error with problem+json, nothing streamed', async () => {
    const route = defineStreamRoute({
      ...base,
      path: '/missing',
      operationId: 'missing',
      summary: 'Missing',
      produces: sse,
      handler: () => {
        throw new NotFound('Run "r1" not found.');
      },
    });
    const res = await fetch(`${await serve(route)}/missing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, detail: 'Run "r1" not found.' });
  });

  it('logs an error after the first byte and cuts the stream', async () => {
    const route = defineStreamRoute({
      ...base,
      path: '/breaks',
      operationId: 'breaks',
      summary: 'Breaks',
      produces: sse,
      handler: () => ({
        kind: 'sse',
        events: (async function* () {
          yield { data: 'ok' };
          throw new Error('upstream dropped');
        })(),
      }),
    });
    const res = await fetch(`${await serve(route)}/breaks`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    await eventually(() => logs.some((l) => l.msg === 'stream ended early'));
  });
});

describe('defineStreamRoute: other bodies', () => {
  const download = (chunks: () => AsyncIterable<Uint8Array>) =>
    defineStreamRoute({
      ...base,
      path: '/file',
      operationId: 'file',
      summary: 'A file',
      produces: { 'text/html': { description: 'HTML.' }, 'text/plain': { description: 'Text.' } },
      handler: ({ req }) =>
        req.query.whole
          ? { kind: 'stream', contentType: 'text/plain; charset=utf-8', body: 'all at once' }
          : {
              kind: 'stream',
              contentType: 'text/html; charset=utf-8',
              headers: { 'Content-Security-Policy': 'sandbox', 'Content-Disposition': 'inline' },
              body: chunks(),
            },
    });

  it('streams chunks with the reply headers, or sends a whole body', async () => {
    const enc = new TextEncoder();
    const url = await serve(
      download(async function* () {
        yield enc.encode('<p>one</p>');
        yield enc.encode('<p>two</p>');
      }),
    );
    const res = await fetch(`${url}/file`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(await res.text()).toBe('<p>one</p><p>two</p>');
    const whole = await fetch(`${url}/file?whole=1`);
    expect(whole.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(whole.headers.get('content-length')).toBe('11');
    expect(await whole.text()).toBe('all at once');
  });

  it('answers a failing first chunk with problem+json and none of the reply headers', async () => {
    const url = await serve(
      download(async function* () {
        yield* [];
        throw new UpstreamFailed('The S3 artifact store failed to read an object.');
      }),
    );
    const res = await fetch(`${url}/file`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('content-disposition')).toBeNull();
  });

  it('refuses (500) a reply of a media type the route does not declare', async () => {
    const route = defineStreamRoute({
      ...base,
      path: '/wrong',
      operationId: 'wrong',
      summary: 'Wrong',
      produces: sse,
      handler: () => ({ kind: 'stream', contentType: 'application/json', body: '{}' }),
    });
    const res = await fetch(`${await serve(route)}/wrong`);
    expect(res.status).toBe(500);
    expect(logs.some((l) => l.msg === 'reply of an undeclared media type')).toBe(true);
  });
});

describe('defineStreamRoute: OpenAPI', () => {
  const route = defineStreamRoute({
    method: 'get',
    path: '/api/v1/runs/:id/log',
    operationId: 'getRunLog',
    summary: 'A log',
    tags: ['runs'],
    auth: 'user',
    params: z.object({ id: z.string() }),
    produces: {
      'text/plain': { description: 'The whole log.' },
      'text/event-stream': { description: 'The log as it grows.', eventData: z.object({ text: z.string() }) },
    },
    handler: () => ({ kind: 'stream', contentType: 'text/plain', body: '' }),
  });
  const doc = buildOpenApi([route], { title: 'T', version: '1', serverUrl: '/s', cookieName: 'c' }) as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
    components: { schemas: Record<string, unknown> };
  };

  it('documents each media type, the event data schema, auth and problem answers', () => {
    const op = doc.paths['/api/v1/runs/{id}/log']?.get;
    expect(op?.responses['200']?.content).toEqual({
      'text/plain': { schema: { type: 'string', description: 'The whole log.' } },
      'text/event-stream': {
        // Per event, as schemathesis and OpenAPI 3.2 read an event-stream schema.
        schema: {
          type: 'object',
          description: 'The log as it grows.',
          properties: {
            data: { type: 'string' },
            event: { type: 'string' },
            id: { type: 'string' },
            retry: { type: 'integer', minimum: 0 },
          },
        },
        'x-event-data': { $ref: '#/components/schemas/GetRunLogEvent' },
      },
    });
    expect(doc.components.schemas.GetRunLogEvent).toMatchObject({ type: 'object', required: ['text'] });
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403', 'default']));
  });
});
