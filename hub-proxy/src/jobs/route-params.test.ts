import type { AddressInfo } from 'node:net';
import { createServer, request, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alice } from '../auth/testing/identities.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import type { RouteDefinition } from '../http/route.js';
import { createLogger } from '../observability/logger.js';
import { runRoutes } from './run-routes.js';
import { runnerRoutes } from './runner-routes.js';
import { jobRoutes } from './routes.js';
import type { JobRunsService } from './runs.js';
import type { RunnerApiService } from './runner-api.js';
import type { JobsService } from './service.js';

/** A service that records any call: a bad path parameter must never reach one. */
function untouchable<T>(name: string, calls: string[]): T {
  return new Proxy(
    {},
    {
      get: (_target, method) => () => {
        calls.push(`${name}.${String(method)}`);
        throw new Error(`${name}.${String(method)} was called`);
      },
    },
  ) as T;
}

const calls: string[] = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  const jobs = untouchable<JobsService>('jobs', calls);
  const runs = untouchable<JobRunsService>('runs', calls);
  const runner = untouchable<RunnerApiService>('runner', calls);
  const routes: RouteDefinition[] = [
    ...jobRoutes(jobs, runs, ['cpu-base']),
    ...runRoutes(runs),
    ...runnerRoutes(runner),
  ];
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  app.use((req, _res, next) => {
    requestContext(req).identity = alice; // stands in for authenticate()
    next();
  });
  for (const { spec, handlers } of routes) app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

beforeEach(() => void (calls.length = 0));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A raw request: `fetch` would normalise `%2E` and `..` away before sending. */
function send(method: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const bodyless = method === 'GET' || method === 'DELETE';
  // Artifact uploads are raw bytes; everything else takes JSON.
  const upload = method === 'PUT';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: bodyless ? {} : { 'Content-Type': upload ? 'application/octet-stream' : 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
        );
      },
    );
    req.on('error', reject);
    req.end(bodyless ? undefined : upload ? 'log' : '{}');
  });
}

const DOT_SEGMENTS = ['%2E', '%2e', '%2E%2E', '..', '.'];
const NOT_DNS_LABELS = ['UPPER', 'a%2Fb', 'a_b', 'a.b', '-lead', 'trail-', 'caf%C3%A9', '%20'];

describe('path parameters of the jobs, runs and runner routes', () => {
  const runIdRoutes: Array<[string, (id: string) => string]> = [
    ['GET', (id) => `/api/v1/runs/${id}`],
    ['DELETE', (id) => `/api/v1/runs/${id}`],
    ['GET', (id) => `/api/v1/runs/${id}/log`],
    ['GET', (id) => `/api/v1/runs/${id}/output`],
    ['GET', (id) => `/api/v1/runner/runs/${id}/spec`],
    ['POST', (id) => `/api/v1/runner/runs/${id}/progress`],
    ['PUT', (id) => `/api/v1/runner/runs/${id}/artifacts/log.txt`],
  ];
  const jobNameRoutes: Array<[string, (name: string) => string]> = [
    ['GET', (name) => `/api/v1/jobs/${name}`],
    ['PATCH', (name) => `/api/v1/jobs/${name}`],
    ['DELETE', (name) => `/api/v1/jobs/${name}`],
    ['GET', (name) => `/api/v1/jobs/${name}/runs`],
    ['POST', (name) => `/api/v1/jobs/${name}/runs`],
  ];

  it('refuse a run id that is a dot segment, not a DNS label, or over 63 characters, with 400 before any service call', async () => {
    for (const [method, path] of runIdRoutes) {
      for (const id of [...DOT_SEGMENTS, ...NOT_DNS_LABELS, 'a'.repeat(64)]) {
        const res = await send(method, path(id));
        expect(res.status, `${method} ${path(id)}`).toBe(400);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(res.body).errors).toContainEqual({
          field: 'params.id',
          message: expect.any(String),
        });
      }
    }
    expect(calls).toEqual([]);
  });

  it('refuse a job name that is a dot segment, not a DNS label, or over 40 characters, with 400 before any service call', async () => {
    for (const [method, path] of jobNameRoutes) {
      for (const name of [...DOT_SEGMENTS, ...NOT_DNS_LABELS, 'a'.repeat(41)]) {
        const res = await send(method, path(name));
        expect(res.status, `${method} ${path(name)}`).toBe(400);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(res.body).errors).toContainEqual({
          field: 'params.name',
          message: expect.any(String),
        });
      }
    }
    expect(calls).toEqual([]);
  });

  it('pass a well-formed 63-character run id through to the service', async () => {
    const res = await send('GET', `/api/v1/runs/${'a'.repeat(63)}`);
    expect(res.status).toBe(500);
    expect(calls).toEqual(['runs.get']);
  });
});
