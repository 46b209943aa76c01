import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.js';
import { notFound, problemHandler } from './problem.js';
import { requestId } from './request-id.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(setup: (app: Express) => void): Promise<string> {
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json({ limit: 64 }));
  setup(app);
  app.use(notFound());
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const cases: Array<[HttpError, number, string]> = [
  [new BadRequestError('bad'), 400, 'Bad Request'],
  [new ValidationError([{ field: 'body.name', message: 'required' }]), 400, 'Validation Failed'],
  [new UnauthorizedError(), 401, 'Unauthorized'],
  [new ForbiddenError(), 403, 'Forbidden'],
  [new NotFoundError(), 404, 'Not Found'],
  [new ConflictError(), 409, 'Conflict'],
  [new PayloadTooLargeError(), 413, 'Payload Too Large'],
  [new UnsupportedMediaTypeError(), 415, 'Unsupported Media Type'],
  [new TooManyRequestsError('slow down', 3), 429, 'Too Many Requests'],
  [new InternalServerError(), 500, 'Internal Server Error'],
  [new BadGatewayError(), 502, 'Bad Gateway'],
  [new ServiceUnavailableError(), 503, 'Service Unavailable'],
];

describe('problem+json error middleware', () => {
  it.each(cases)('renders %s as problem+json with its status and title', async (error, status, title) => {
    const url = await serve((app) =>
      app.get('/boom', () => {
        throw error;
      }),
    );
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status,
      title,
      type: expect.stringMatching(/^https:\/\/turing\.dev\/problems\//),
    });
    expect(typeof body.detail).toBe('string');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('lists every invalid field of a ValidationError', async () => {
    const url = await serve((app) =>
      app.get('/v', () => {
        throw new ValidationError([
          { field: 'body.name', message: 'required' },
          { field: 'query.limit', message: 'too big' },
        ]);
      }),
    );
    const body = (await (await fetch(`${url}/v`)).json()) as { errors: unknown };
    expect(body.errors).toEqual([
      { field: 'body.name', message: 'required' },
      { field: 'query.limit', message: 'too big' },
    ]);
  });

  it('sends the extra headers an error carries', async () => {
    const url = await serve((app) =>
      app.get('/auth', () => {
        throw new UnauthorizedError();
      }),
    );
    expect((await fetch(`${url}/auth`)).headers.get('www-authenticate')).toBe('token');
  });

  it('answers an unknown error with a generic 500 and no stack or message', async () => {
    const url = await serve((app) =>
      app.get('/bug', () => {
        throw new Error('secret internal detail');
      }),
    );
    const res = await fetch(`${url}/bug`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text)).toMatchObject({ status: 500, detail: 'An unexpected error occurred.' });
  });

  it('maps an oversized JSON body to 413 and malformed JSON to 400', async () => {
    const url = await serve((app) => app.post('/echo', (req, res) => res.json(req.body)));
    const post = (body: string) =>
      fetch(`${url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const big = await post(JSON.stringify({ x: 'y'.repeat(200) }));
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const bad = await post('{"x":');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/not valid JSON/);
  });

  it('answers unknown paths with 404 problem+json', async () => {
    const url = await serve(() => undefined);
    const res = await fetch(`${url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
