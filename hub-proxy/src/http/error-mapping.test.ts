import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Conflict,
  Forbidden,
  InvalidInput,
  NotFound,
  QuotaExceeded,
  TooLarge,
  Unauthenticated,
  Unavailable,
  UpstreamFailed,
} from '../errors/index.js';
import {
  KubeConflictError,
  KubeError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnavailableError,
  toKubeError,
} from '../k8s/errors.js';
import { createLogger } from '../observability/logger.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';
import { problemHandler } from './problem.js';
import { requestId } from './request-id.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Log lines the app wrote, parsed. */
let logs: Array<Record<string, unknown>> = [];

/** Serves one route that throws `error`, behind the real problem middleware; answers its response. */
async function answer(
  error: unknown,
): Promise<{ res: Response; body: Record<string, unknown>; text: string }> {
  logs = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = express();
  app.use(requestId(createLogger({ level: 'info', destination })));
  app.get('/boom', () => {
    throw error;
  });
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
  const text = await res.text();
  return { res, body: JSON.parse(text) as Record<string, unknown>, text };
}

const problemType = (slug: string) => `https://turing.dev/problems/${slug}`;

describe('domain errors -> problem+json', () => {
  it('InvalidInput -> 400 validation with every field in errors[]', async () => {
    const errors = [
      { field: 'body.name', message: 'required' },
      { field: 'query.limit', message: 'too big' },
    ];
    const { res, body } = await answer(new InvalidInput(errors, 'Two fields are wrong.'));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({
      type: problemType('validation'),
      title: 'Validation Failed',
      status: 400,
      detail: 'Two fields are wrong.',
      errors,
    });
  });

  it('Unauthenticated -> 401 with a WWW-Authenticate challenge', async () => {
    const { res, body } = await answer(new Unauthenticated('The run token is invalid or has expired.'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('token');
    expect(body).toMatchObject({ type: problemType('unauthorized'), title: 'Unauthorized' });
  });

  it('Forbidden -> 403 forbidden', async () => {
    const { res, body } = await answer(new Forbidden('Objects can only be created for yourself.'));
    expect(res.status).toBe(403);
    expect(body).toMatchObject({
      type: problemType('forbidden'),
      title: 'Forbidden',
      detail: 'Objects can only be created for yourself.',
    });
  });

  it('a code refines the problem type and title but keeps the status', async () => {
    const { res, body } = await answer(
      new Forbidden('GPU quota exceeded.', { code: 'gpu-quota-exceeded', title: 'GPU Quota Exceeded' }),
    );
    expect(res.status).toBe(403);
    expect(body).toMatchObject({ type: problemType('gpu-quota-exceeded'), title: 'GPU Quota Exceeded' });
  });

  it('NotFound -> 404 not-found', async () => {
    const { res, body } = await answer(new NotFound('Job "x" not found.'));
    expect(res.status).toBe(404);
    expect(body).toMatchObject({
      type: problemType('not-found'),
      title: 'Not Found',
      detail: 'Job "x" not found.',
    });
  });

  it('Conflict -> 409 conflict', async () => {
    const { res, body } = await answer(new Conflict('You already have a job named "x".'));
    expect(res.status).toBe(409);
    expect(body).toMatchObject({ type: problemType('conflict'), title: 'Conflict' });
  });

  it('TooLarge -> 413 payload-too-large', async () => {
    const { res, body } = await answer(new TooLarge('The artifact is over the 4 KiB limit.'));
    expect(res.status).toBe(413);
    expect(body).toMatchObject({ type: problemType('payload-too-large'), title: 'Payload Too Large' });
  });

  it('QuotaExceeded -> 429 carrying quota, limit and used', async () => {
    const { res, body } = await answer(new QuotaExceeded('runs-per-hour', 20, 20));
    expect(res.status).toBe(429);
    expect(body).toMatchObject({
      type: problemType('quota-exceeded'),
      title: 'Quota Exceeded',
      status: 429,
      detail: 'Quota runs-per-hour exceeded: 20 in use of 20.',
      quota: 'runs-per-hour',
      limit: 20,
      used: 20,
    });
  });

  it('UpstreamFailed -> 502 bad-gateway, logged without a stack', async () => {
    const { res, body } = await answer(new UpstreamFailed('The hub answered 500 to a progress request.'));
    expect(res.status).toBe(502);
    expect(body).toMatchObject({ type: problemType('bad-gateway'), title: 'Bad Gateway' });
    expect(logs.find((l) => l.msg === 'request failed upstream')).toMatchObject({
      level: 'warn',
      status: 502,
    });
  });

  it('Unavailable -> 503 with Retry-After', async () => {
    const { res, body } = await answer(new Unavailable('The local job runtime is not running.', 12));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('12');
    expect(body).toMatchObject({
      type: problemType('unavailable'),
      title: 'Service Unavailable',
      detail: 'The local job runtime is not running.',
    });
    expect((await answer(new Unavailable())).res.headers.get('retry-after')).toBe('5');
  });
});

describe('Kubernetes API errors -> problem+json', () => {
  const apiserverSays = 'notebookjobs.turing.dev "alice-x" is forbidden: User "system:serviceaccount:t:hp"';

  it('KubeNotFoundError -> 404, without the API server message', async () => {
    const { res, body, text } = await answer(
      new KubeNotFoundError('not-found', 404, 'jobs.batch "r1" not found'),
    );
    expect(res.status).toBe(404);
    expect(body).toMatchObject({ type: problemType('not-found'), title: 'Not Found' });
    expect(text).not.toContain('jobs.batch');
  });

  it('KubeConflictError -> 409, for a stale write and for a taken name', async () => {
    const stale = await answer(new KubeConflictError('conflict', 409, 'the object has been modified'));
    expect(stale.res.status).toBe(409);
    expect(stale.body).toMatchObject({ type: problemType('conflict'), title: 'Conflict' });
    expect(stale.body.detail).toMatch(/try again/);
    const taken = await answer(
      new KubeConflictError('already-exists', 409, 'jobs.batch "r1" already exists'),
    );
    expect(taken.res.status).toBe(409);
    expect(taken.body.detail).toBe('The object already exists.');
  });

  it('KubeInvalidError -> 400 with its causes as field errors', async () => {
    const invalid = new KubeInvalidError(422, 'NotebookJob "x" is invalid', [
      { field: 'spec.schedule', reason: 'FieldValueInvalid', message: 'Invalid value: "99 * * * *"' },
      { reason: 'FieldValueRequired', message: 'no field named' },
    ]);
    const { res, body } = await answer(invalid);
    expect(res.status).toBe(400);
    expect(body).toMatchObject({
      type: problemType('validation'),
      errors: [{ field: 'spec.schedule', message: 'Invalid value: "99 * * * *"' }],
    });
  });

  it("KubeUnavailableError -> 503 with the API server's Retry-After, or the default", async () => {
    const throttled = new KubeUnavailableError('too-many-requests', 429, 'storage is (re)initializing', {
      retryAfterSeconds: 7,
    });
    const { res, body, text } = await answer(throttled);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(body).toMatchObject({ type: problemType('unavailable'), title: 'Service Unavailable' });
    expect(text).not.toContain('initializing');
    const down = await answer(new KubeUnavailableError('unavailable', 503, 'etcdserver: leader changed'));
    expect(down.res.headers.get('retry-after')).toBe('5');
    expect(down.text).not.toContain('etcdserver');
    // The API server's words are for the log.
    expect(logs.find((l) => l.msg === 'request failed upstream')).toMatchObject({
      reason: 'etcdserver: leader changed',
    });
  });

  it('a refused connection to the API server (as toKubeError reports it) -> 503', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.96.0.1:443'), { code: 'ECONNREFUSED' });
    const err = toKubeError(new TypeError('fetch failed', { cause: refused }));
    expect(err).toBeInstanceOf(KubeUnavailableError);
    const { res, text } = await answer(err);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(text).not.toContain('10.96.0.1');
  });

  it('KubeForbiddenError (our RBAC is wrong) -> 502 that names no service account, logged as an error', async () => {
    const { res, body, text } = await answer(new KubeForbiddenError('forbidden', 403, apiserverSays));
    expect(res.status).toBe(502);
    expect(body).toMatchObject({ type: problemType('bad-gateway'), title: 'Bad Gateway' });
    expect(text).not.toContain('serviceaccount');
    expect(text).not.toContain('alice-x');
    expect(logs.find((l) => l.msg === 'request refused by a dependency')).toMatchObject({
      level: 'error',
      reason: apiserverSays,
    });
  });

  it('an expired list (410 gone) -> 503; a bad request we sent -> 500', async () => {
    expect((await answer(new KubeError('gone', 410, 'too old resource version'))).res.status).toBe(503);
    const bad = await answer(new KubeError('bad-request', 400, 'unable to parse requirement'));
    expect(bad.res.status).toBe(500);
    expect(bad.body).toMatchObject({
      type: problemType('internal'),
      detail: 'An unexpected error occurred.',
    });
    expect(bad.text).not.toContain('requirement');
  });
});

describe('other errors', () => {
  it('an unknown Error -> 500 internal, generic detail, stack logged', async () => {
    const { res, body, text } = await answer(new Error('secret internal detail'));
    expect(res.status).toBe(500);
    expect(body).toMatchObject({
      type: problemType('internal'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
    });
    expect(text).not.toContain('secret');
    const logged = logs.find((l) => l.msg === 'request failed') as { level: string; err: { stack: string } };
    expect(logged.level).toBe('error');
    expect(logged.err.stack).toContain('secret internal detail');
  });

  it('HTTP errors thrown by the transport keep their status, type and headers', async () => {
    const auth = await answer(new UnauthorizedError());
    expect(auth.res.status).toBe(401);
    expect(auth.res.headers.get('www-authenticate')).toBe('token');
    const csrf = await answer(new ForbiddenError('The XSRF check failed.'));
    expect(csrf.body).toMatchObject({
      status: 403,
      type: problemType('forbidden'),
      detail: 'The XSRF check failed.',
    });
  });
});
