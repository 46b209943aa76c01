/**
 * The local stand-in for TF Serving (serving/tfserving_standin.py) against
 * TF Serving's documented REST shapes, on Keras SavedModels exported here:
 * status, metadata, predict in the row and columnar formats, errors and
 * their codes, and predictions equal to the model's own.
 */
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, waitUntil, type ManagedProcess } from '../support/child-process.js';
import { freePort } from '../support/ports.js';
import {
  exportKerasDense,
  SERVING_PYTHON,
  STANDIN_SCRIPT,
  type TrainedModel,
} from '../support/serving-python.js';

const ROWS = [
  [1, 1, 1],
  [0.5, -2, 0.25],
  [0, 0, 0],
];

let dir: string;
let standin: ManagedProcess;
let base: string;
let v1: TrainedModel;
let v2: TrainedModel;

interface Answer {
  status: number;
  body: unknown;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, body: await res.json() };
}

function expectClose(actual: unknown, expected: number[][]): void {
  const rows = actual as number[][];
  expect(rows).toHaveLength(expected.length);
  expected.forEach((row, i) => {
    expect(rows[i]).toHaveLength(row.length);
    row.forEach((value, j) => expect(rows[i]?.[j]).toBeCloseTo(value, 5));
  });
}

function expectError(answer: Answer, status: number, text?: string): void {
  expect(answer.status).toBe(status);
  expect(Object.keys(answer.body as object)).toEqual(['error']);
  const message = (answer.body as { error: unknown }).error;
  expect(typeof message).toBe('string');
  if (text) expect(message).toContain(text);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfserving-standin-'));
  const models = join(dir, 'dense');
  // Two versions with different weights: which one answered shows in the numbers.
  v1 = await exportKerasDense(join(models, '1'), {
    kernel: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    bias: [0.5, -0.5],
    inputs: ROWS,
  });
  v2 = await exportKerasDense(join(models, '2'), {
    kernel: [
      [-1, 0.5],
      [0.25, 2],
      [1, -3],
    ],
    bias: [0, 1],
    inputs: ROWS,
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  standin = startProcess(
    'tfserving-standin',
    SERVING_PYTHON,
    [
      STANDIN_SCRIPT,
      '--model_name=dense',
      `--model_base_path=${models}`,
      // Version 9 has no files: it must end up in state END, not block the others.
      '--versions=1,2,9',
      '--version_labels=stable=1,canary=2',
      `--rest_api_port=${port}`,
      '--debug_routes',
    ],
    { logDir: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
  );
  await waitUntil(
    'the stand-in to load versions 1 and 2',
    async () => {
      const res = await fetch(`${base}/v1/models/dense`);
      const body = (await res.json()) as { model_version_status: Array<{ version: string; state: string }> };
      const states = Object.fromEntries(body.model_version_status.map((s) => [s.version, s.state]));
      return states['1'] === 'AVAILABLE' && states['2'] === 'AVAILABLE' && states['9'] === 'END';
    },
    { timeoutMs: 90_000, process: standin },
  );
}, 180_000);

afterAll(async () => {
  await standin?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('model status', () => {
  it('lists every version in model_version_status, highest first, with a failed one in state END', async () => {
    const answer = await call('GET', '/v1/models/dense');
    expect(answer.status).toBe(200);
    const statuses = (answer.body as { model_version_status: unknown[] }).model_version_status;
    expect(statuses).toEqual([
      {
        version: '9',
        state: 'END',
        status: { error_code: 'NOT_FOUND', error_message: expect.stringContaining('saved_model.pb') },
      },
      { version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
    ]);
  });

  it('reports one version at /versions/<n> and at a label', async () => {
    const one = {
      model_version_status: [
        { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    };
    expect(await call('GET', '/v1/models/dense/versions/1')).toEqual({ status: 200, body: one });
    expect(await call('GET', '/v1/models/dense/labels/stable')).toEqual({ status: 200, body: one });
  });

  it('answers 404 for an unknown model or version, 400 for an unknown label or no model name', async () => {
    expectError(await call('GET', '/v1/models/nope'), 404, 'nope');
    expectError(await call('GET', '/v1/models/dense/versions/5'), 404, 'version 5');
    expectError(await call('GET', '/v1/models/dense/labels/beta'), 400, 'beta');
    expectError(await call('GET', '/v1/models'), 400, 'Missing model name');
  });
});

describe('model metadata', () => {
  it('answers model_spec and the SavedModel signature_def map, as TF Serving does', async () => {
    const answer = await call('GET', '/v1/models/dense/versions/1/metadata');
    expect(answer.status).toBe(200);
    const body = answer.body as {
      model_spec: unknown;
      metadata: { signature_def: { signature_def: Record<string, Record<string, unknown>> } };
    };
    expect(body.model_spec).toEqual({ name: 'dense', signature_name: '', version: '1' });
    const serving = body.metadata.signature_def.signature_def.serving_default ?? {};
    expect(serving.method_name).toBe('tensorflow/serving/predict');
    expect(serving.inputs).toEqual({
      features: {
        name: expect.any(String),
        dtype: 'DT_FLOAT',
        tensor_shape: {
          dim: [
            { size: '-1', name: '' },
            { size: '3', name: '' },
          ],
          unknown_rank: false,
        },
      },
    });
    const outputs = Object.values(
      serving.outputs as Record<string, { dtype: string; tensor_shape: unknown }>,
    );
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({
      dtype: 'DT_FLOAT',
      tensor_shape: { dim: [{ size: '-1' }, { size: '2' }], unknown_rank: false },
    });
  });

  it('describes the highest available version when none is named', async () => {
    const answer = await call('GET', '/v1/models/dense/metadata');
    expect((answer.body as { model_spec: { version: string } }).model_spec.version).toBe('2');
  });
});

describe('predict', () => {
  it('answers the row format with predictions equal to the model’s own', async () => {
    const answer = await call('POST', '/v1/models/dense/versions/1:predict', { instances: ROWS });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body as object)).toEqual(['predictions']);
    expectClose((answer.body as { predictions: unknown }).predictions, v1.predictions);
  });

  it('takes row instances as objects keyed by input name', async () => {
    const instances = ROWS.map((row) => ({ features: row }));
    const answer = await call('POST', '/v1/models/dense/versions/1:predict', { instances });
    expectClose((answer.body as { predictions: unknown }).predictions, v1.predictions);
  });

  it('answers the columnar format with outputs, for a bare value or a named input', async () => {
    for (const inputs of [ROWS, { features: ROWS }]) {
      const answer = await call('POST', '/v1/models/dense/versions/2:predict', {
        signature_name: 'serving_default',
        inputs,
      });
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body as object)).toEqual(['outputs']);
      expectClose((answer.body as { outputs: unknown }).outputs, v2.predictions);
    }
  });

  it('sends unversioned calls to the highest available version, and labels to theirs', async () => {
    const latest = await call('POST', '/v1/models/dense:predict', { instances: ROWS });
    expectClose((latest.body as { predictions: unknown }).predictions, v2.predictions);
    const stable = await call('POST', '/v1/models/dense/labels/stable:predict', { instances: ROWS });
    expectClose((stable.body as { predictions: unknown }).predictions, v1.predictions);
    // The two versions really differ, so the comparison above tells them apart.
    expect(v1.predictions[0]?.[0]).not.toBeCloseTo(v2.predictions[0]?.[0] ?? 0, 1);
  });

  it('answers 404 for a version or model it does not serve', async () => {
    expectError(
      await call('POST', '/v1/models/dense/versions/5:predict', { instances: ROWS }),
      404,
      'Servable not found for request: Specific(dense, 5)',
    );
    expectError(await call('POST', '/v1/models/dense/versions/9:predict', { instances: ROWS }), 404);
    expectError(
      await call('POST', '/v1/models/other:predict', { instances: ROWS }),
      404,
      'Servable not found for request: Latest(other)',
    );
  });

  it('answers 400 with an error for bad requests', async () => {
    const path = '/v1/models/dense/versions/1:predict';
    expectError(await call('POST', path, { instances: [[1, 2]] }), 400, 'incompatible');
    expectError(await call('POST', path, 'instances = [1, 2]'), 400, 'JSON Parse error');
    expectError(await call('POST', path, ''), 400, 'The document is empty');
    expectError(await call('POST', path, { instances: ROWS, inputs: ROWS }), 400, 'only one of');
    expectError(await call('POST', path, { examples: ROWS }), 400, "Missing 'inputs' or 'instances'");
    expectError(await call('POST', path, { instances: [['a', 'b', 'c']] }), 400, 'not of expected type');
    expectError(await call('POST', path, { instances: [{ other: [1, 2, 3] }] }), 400, 'Missing but required');
    expectError(
      await call('POST', path, { signature_name: 'nope', instances: ROWS }),
      400,
      '"nope" not found',
    );
    expectError(await call('POST', '/v1/models/dense:regress', { examples: [] }), 501);
  });
});

describe('sockets', () => {
  it('disables Nagle on accepted sockets, and answers sequential keep-alive predicts quickly', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(base);
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method,
            agent,
            headers: body
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
              : {},
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const socketOption = await send('GET', '/_standin/connection');
      expect(JSON.parse(socketOption.text)).toEqual({ tcp_nodelay: true });
      const body = JSON.stringify({ instances: [ROWS[0]] });
      const times: number[] = [];
      for (let i = 0; i < 300; i++) {
        const started = performance.now();
        const answer = await send('POST', '/v1/models/dense/versions/1:predict', body);
        times.push(performance.now() - started);
        expect(answer.status).toBe(200);
      }
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length * 0.5)] ?? NaN;
      const p99 = times[Math.floor(times.length * 0.99)] ?? NaN;
      console.log(
        `tfserving stand-in, sequential keep-alive predicts: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
      );
      // Everything went over one connection: this measured keep-alive, not connection set-up.
      const sockets =
        Object.values(agent.freeSockets).flat().length + Object.values(agent.sockets).flat().length;
      expect(sockets).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
