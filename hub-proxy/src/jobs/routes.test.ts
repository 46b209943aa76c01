import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { alice } from '../auth/testing/identities.js';
import { requestContext } from '../http/context.js';
import { problemHandler } from '../http/problem.js';
import { requestId } from '../http/request-id.js';
import { createLogger } from '../observability/logger.js';
import { jobRoutes } from './routes.js';
import type { JobRunsService } from './runs.js';
import type { RunView } from './schemas.js';
import type { JobsService } from './service.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The job routes with a runs service that records `runNow` calls. */
async function serve(calls: unknown[][]): Promise<number> {
  const runs = {
    runNow: async (...args: unknown[]) => {
      calls.push(args);
      const run: RunView = {
        id: 'daily-m1',
        job: 'daily',
        owner: 'alice',
        state: 'queued',
        trigger: 'manual',
        parameters: {},
        attempt: 1,
        createdAt: '2025-01-01T00:00:00.000Z',
        artifacts: [],
      };
      return run;
    },
  } as unknown as JobRunsService;
  const app = express();
  app.use(requestId(createLogger({ level: 'silent' })));
  app.use(express.json());
  app.use((req, _res, next) => {
    requestContext(req).identity = alice; // stands in for authenticate()
    next();
  });
  for (const { spec, handlers } of jobRoutes({} as JobsService, runs, ['cpu-base']))
    app[spec.method](spec.path, ...handlers);
  app.use(problemHandler());
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends `text` as-is, as curl would, and returns the status line. */
function statusLine(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (out += chunk));
    socket.on('end', () => resolve(out.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('POST /api/v1/jobs/{name}/runs (run now)', () => {
  it('starts a run from an empty body without a Content-Type, as `curl -X POST` sends it', async () => {
    const calls: unknown[][] = [];
    const port = await serve(calls);
    const line = await statusLine(
      port,
      'POST /api/v1/jobs/daily/runs HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n',
    );
    expect(line).toMatch(/^HTTP\/1\.1 201 /);
    expect(calls).toEqual([[alice, 'daily', undefined, undefined]]);
  });

  it('passes the parameters of a JSON body, and refuses a body that is not JSON with 415', async () => {
    const calls: unknown[][] = [];
    const port = await serve(calls);
    const base = `http://127.0.0.1:${port}/api/v1/jobs/daily/runs`;
    await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ parameters: { n: 2 } }),
    });
    expect(calls).toEqual([[alice, 'daily', { n: 2 }, undefined]]);
    const text = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'n=2',
    });
    expect(text.status).toBe(415);
    expect(calls).toHaveLength(1);
  });
});
