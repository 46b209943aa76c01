import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { TuringConnection } from './connection';
import { TuringApiError, TuringLoginRequiredError } from './errors';
import { ModelsClient } from './models-client';
import type { VersionUploadProgress } from './version-upload';

const hub = { hubHost: '', hubPrefix: '/hub/', baseUrl: '/user/alice/', user: 'alice', serverName: '' };

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/** A models client over a fake fetch that answers `responses` in order and records the calls. */
function harness(responses: Response[]) {
  const calls: Call[] = [];
  const fakeFetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body === undefined ? undefined : String(init.body),
    });
    const next = responses.shift();
    if (!next) {
      throw new Error(`unexpected request ${String(url)}`);
    }
    return next;
  };
  const options = { fetch: fakeFetch as typeof fetch, cookies: () => 'turing-xsrf=x' };
  const connection = new TuringConnection({ hub, loginUrl: '/hub/login', ...options });
  return { models: new ModelsClient(connection, options), calls };
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('ModelsClient API requests', () => {
  it('uses the documented paths and methods, encoding names and ids', async () => {
    const { models, calls } = harness([
      json({ items: [] }),
      json({ items: [] }),
      json({ name: 'm' }),
      json({ name: 'm' }, 201),
      json({ name: 'm' }),
      new Response(null, { status: 204 }),
      json({ items: [] }),
      json({ name: 'm' }),
      json({ name: 'm' }),
      json({ name: 'm' }),
      json({ items: [] }),
      json({ id: 'k1', label: 'ci', createdAt: '2026-01-01T00:00:00Z', key: 'secret' }, 201),
      new Response(null, { status: 204 }),
      json({ points: [] }),
      new Response('line 1\nline 2\n', { headers: { 'content-type': 'text/plain' } }),
    ]);
    await models.list();
    await models.runtimes();
    await models.get('m');
    await models.create({
      name: 'm',
      runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
      replicas: { min: 1, max: 2 },
      resources: { cpu: '1', memory: '1Gi', gpu: 0 },
      access: { users: [], groups: [], apiKeys: false },
    });
    await models.update('m', { replicas: { min: 2, max: 4 } });
    await expect(models.delete('m')).resolves.toBeUndefined();
    await models.versions('m');
    await models.setTraffic('m', { stable: 1, canary: 2, canaryPercent: 10 });
    await models.promote('m');
    await models.rollback('m');
    await models.listApiKeys('m');
    await expect(models.createApiKey('m', 'ci')).resolves.toMatchObject({ key: 'secret' });
    await models.revokeApiKey('m', 'k/1');
    await models.stats('m');
    await expect(models.logs('m', 50)).resolves.toBe('line 1\nline 2\n');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /services/turing/api/v1/models',
      'GET /services/turing/api/v1/models/runtimes',
      'GET /services/turing/api/v1/models/m',
      'POST /services/turing/api/v1/models',
      'PATCH /services/turing/api/v1/models/m',
      'DELETE /services/turing/api/v1/models/m',
      'GET /services/turing/api/v1/models/m/versions',
      'PUT /services/turing/api/v1/models/m/traffic',
      'POST /services/turing/api/v1/models/m/traffic/promote',
      'POST /services/turing/api/v1/models/m/traffic/rollback',
      'GET /services/turing/api/v1/models/m/api-keys',
      'POST /services/turing/api/v1/models/m/api-keys',
      'DELETE /services/turing/api/v1/models/m/api-keys/k%2F1',
      'GET /services/turing/api/v1/models/m/stats',
      'GET /services/turing/api/v1/models/m/logs?tailLines=50',
    ]);
    expect(JSON.parse(calls[7]?.body ?? '')).toEqual({ stable: 1, canary: 2, canaryPercent: 10 });
    // Promote and roll back are empty POSTs, with the anti-CSRF header like every write.
    expect(calls[8]?.body).toBeUndefined();
    expect(calls[8]?.headers.get('X-XSRF-Token')).toBe('x');
    expect(JSON.parse(calls[11]?.body ?? '')).toEqual({ label: 'ci' });
  });

  it('keeps a 422 detail and field list for the dialog', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Not a model: expected saved_model.pb and variables/.',
      errors: [{ field: 'files', message: 'expected saved_model.pb' }],
    };
    const { models } = harness([json(problem, 422, 'application/problem+json')]);
    const error = await models.commitUpload('m', 'u1', { kind: 'replace' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TuringApiError);
    expect(error).toMatchObject({ status: 422, detail: problem.detail, errors: problem.errors });
  });
});

describe('ModelsClient predictions through the gateway', () => {
  it('posts TF Serving REST to :predict and reports the answer, its latency and the served version', async () => {
    const answer = new Response('{"predictions":[[0.25]]}', {
      headers: { 'content-type': 'application/json', 'x-turing-model-version': '3' },
    });
    const { models, calls } = harness([answer]);
    const result = await models.predict('iris', 'v1', { instances: [[1, 2, 3, 4]] });
    expect(calls[0]?.url).toBe('/services/turing/models/iris/v1/models/iris:predict');
    expect(calls[0]?.headers.get('X-XSRF-Token')).toBe('x');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ instances: [[1, 2, 3, 4]] });
    expect(result).toMatchObject({
      status: 200,
      ok: true,
      servedVersion: '3',
      body: { predictions: [[0.25]] },
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('sends a text body as typed to /infer and returns a model error instead of throwing', async () => {
    const { models, calls } = harness([json({ error: 'bad shape' }, 400)]);
    const text = '{"inputs": []}';
    const result = await models.predict('iris', 'v2', text);
    expect(calls[0]?.url).toBe('/services/turing/models/iris/v2/models/iris/infer');
    expect(calls[0]?.body).toBe(text);
    expect(result).toMatchObject({ status: 400, ok: false, body: { error: 'bad shape' } });
    expect(result.servedVersion).toBeUndefined();
  });

  it('asks for a new hub login when the gateway answers with the login page', async () => {
    const login = new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } });
    const { models } = harness([login]);
    await expect(models.predict('iris', 'v2', {})).rejects.toBeInstanceOf(TuringLoginRequiredError);
  });
});

/** What the loopback hub-proxy stand-in received. */
interface Received {
  method: string;
  url: string;
  contentType: string;
  xsrf: string;
  body: Buffer;
}

describe('ModelsClient version uploads over real HTTP', () => {
  let server: Server;
  let origin = '';
  let received: Received[] = [];
  let maxBytes = 1_000_000;

  const reply = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };

  // A stand-in for hub-proxy's upload routes: it records every request whole.
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'] ?? '',
      xsrf: String(req.headers['x-xsrf-token'] ?? ''),
      body,
    });
    const url = req.url ?? '';
    if (req.method === 'POST' && url.endsWith('/uploads')) {
      reply(res, 201, { uploadId: 'u1', maxBytes, expiresAt: '2026-01-01T01:00:00Z' });
    } else if (req.method === 'PUT' && url.includes('/files/bad')) {
      reply(
        res,
        422,
        { title: 'Unprocessable', status: 422, detail: 'not a model' },
        'application/problem+json',
      );
    } else if (req.method === 'PUT') {
      const path = decodeURIComponent(url.split('/files/')[1] ?? '');
      reply(res, 200, { path, sizeBytes: body.length });
    } else if (req.method === 'POST' && url.endsWith('/commit')) {
      reply(res, 201, {
        version: 2,
        format: 'tensorflow',
        files: [],
        sizeBytes: 0,
        source: {},
        createdAt: '',
      });
    } else {
      reply(res, 404, { title: 'Not Found', status: 404 }, 'application/problem+json');
    }
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received = [];
    maxBytes = 1_000_000;
  });

  function client(): ModelsClient {
    const cookies = () => 'turing-xsrf=tok%3D1';
    const connection = new TuringConnection({
      hub: { ...hub, hubHost: origin },
      loginUrl: '/hub/login',
      cookies,
    });
    return new ModelsClient(connection, { cookies });
  }

  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

  it('sends every file as raw bytes with progress up to the total, then commits with the rollout', async () => {
    const pb = bytes(200_000, 1);
    const index = bytes(3_000, 2);
    const files = [
      { path: 'saved_model.pb', sizeBytes: pb.length, read: async () => new Blob([pb]) },
      { path: 'variables/variables.index', sizeBytes: index.length, read: async () => new Blob([index]) },
    ];
    const progress: VersionUploadProgress[] = [];
    const version = await client().uploadVersion(
      'iris model',
      files,
      { kind: 'canary', percent: 10 },
      {
        onProgress: (p) => progress.push(p),
      },
    );
    expect(version.version).toBe(2);
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /services/turing/api/v1/models/iris%20model/uploads',
      'PUT /services/turing/api/v1/models/iris%20model/uploads/u1/files/saved_model.pb',
      'PUT /services/turing/api/v1/models/iris%20model/uploads/u1/files/variables%2Fvariables.index',
      'POST /services/turing/api/v1/models/iris%20model/uploads/u1/commit',
    ]);
    expect(JSON.parse(received[0]?.body.toString() ?? '')).toEqual({
      files: [
        { path: 'saved_model.pb', sizeBytes: 200_000 },
        { path: 'variables/variables.index', sizeBytes: 3_000 },
      ],
    });
    expect(received[1]?.contentType).toBe('application/octet-stream');
    expect(received[1]?.xsrf).toBe('tok=1');
    expect(Buffer.compare(received[1]?.body ?? Buffer.alloc(0), Buffer.from(pb))).toBe(0);
    expect(Buffer.compare(received[2]?.body ?? Buffer.alloc(0), Buffer.from(index))).toBe(0);
    expect(JSON.parse(received[3]?.body.toString() ?? '')).toEqual({
      rollout: { kind: 'canary', percent: 10 },
    });

    const sent = progress.filter((p) => p.phase === 'sending').map((p) => p.sentBytes);
    expect(sent.length).toBeGreaterThan(2);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(sent.at(-1)).toBe(203_000);
    expect(progress.at(-1)).toMatchObject({ phase: 'committing', sentBytes: 203_000, totalBytes: 203_000 });
  });

  it('refuses a version over the upload limit before sending a byte', async () => {
    maxBytes = 1_000;
    const data = bytes(1_001, 3);
    const error = await client()
      .uploadVersion(
        'm',
        [{ path: 'model.json', sizeBytes: data.length, read: async () => new Blob([data]) }],
        {
          kind: 'replace',
        },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, title: 'Model too large' });
    expect(received.map((r) => r.method)).toEqual(['POST']);
  });

  it('refuses a file whose size changed since it was listed', async () => {
    const error = await client()
      .uploadVersion(
        'm',
        [{ path: 'model.json', sizeBytes: 10, read: async () => new Blob([bytes(11, 0)]) }],
        {
          kind: 'replace',
        },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 409, title: 'File changed' });
    expect(received.map((r) => r.method)).toEqual(['POST']);
  });

  it("turns a refused file's problem+json into a TuringApiError", async () => {
    const error = await client()
      .uploadFile('m', 'u1', 'bad', new Blob([bytes(10, 0)]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TuringApiError);
    expect(error).toMatchObject({ status: 422, detail: 'not a model' });
  });
});
