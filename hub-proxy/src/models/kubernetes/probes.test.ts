import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlserverProbes, tfServingProbes, tfServingReadyCommand } from './probes.js';

const run = promisify(execFile);

/** Version states a fake TF Serving reports, by version; absent versions answer 404 as TF Serving does. */
let states: Record<string, string> = {};
let requests: string[] = [];

/** TF Serving's `GET /v1/models/<m>/versions/<v>` answer, pretty-printed as TF Serving prints it. */
function statusBody(version: string, state: string): string {
  return JSON.stringify(
    {
      model_version_status: [{ version, state, status: { error_code: 'OK', error_message: '' } }],
    },
    null,
    1,
  );
}

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.httpVersion} ${req.url ?? ''}`);
    const match = /^\/v1\/models\/([^/]+)\/versions\/(\d+)$/.exec(req.url ?? '');
    const state = match?.[1] === 'iris' ? states[match[2] ?? ''] : undefined;
    if (!match || state === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{ "error": "Could not find any versions of model iris" }');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(statusBody(match[2] ?? '', state));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs the rendered readiness command as the kubelet would (exec), against the fake server's port. */
async function probe(traffic: { stable: number; canary?: number }): Promise<{ ok: boolean; output: string }> {
  const [command, ...args] = tfServingReadyCommand(
    { name: 'iris', traffic: { ...traffic, canaryPercent: traffic.canary ? 10 : 0 } },
    port,
  );
  requests = [];
  try {
    const { stdout } = await run(command ?? 'bash', args, { timeout: 5000 });
    return { ok: true, output: stdout };
  } catch (err) {
    return { ok: false, output: String((err as { stdout?: string }).stdout ?? '') };
  }
}

describe('the TF Serving readiness probe (run by bash against a server shaped like TF Serving)', () => {
  it('passes when every wanted version is AVAILABLE, asking for each over HTTP/1.0', async () => {
    states = { '1': 'AVAILABLE', '2': 'AVAILABLE' };
    expect(await probe({ stable: 1, canary: 2 })).toEqual({ ok: true, output: '' });
    expect(requests).toEqual(['1.0 /v1/models/iris/versions/1', '1.0 /v1/models/iris/versions/2']);
  });

  it('fails while the canary is still LOADING, though the status call answers 200', async () => {
    states = { '1': 'AVAILABLE', '2': 'LOADING' };
    expect(await probe({ stable: 1, canary: 2 })).toEqual({
      ok: false,
      output: 'version 2 is not AVAILABLE\n',
    });
  });

  it('fails for a version TF Serving does not know (404)', async () => {
    states = { '1': 'AVAILABLE' };
    const result = await probe({ stable: 3 });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/^version 3: HTTP\/1\.[01] 404/);
  });

  it('fails when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [command, ...args] = tfServingReadyCommand(
      { name: 'iris', traffic: { stable: 1, canaryPercent: 0 } },
      freePort,
    );
    await expect(run(command ?? 'bash', args, { timeout: 5000 })).rejects.toMatchObject({ code: 1 });
  });
});

describe('serving probes as rendered', () => {
  const spec = { name: 'iris', traffic: { stable: 3, canary: 4, canaryPercent: 20 } };

  it('checks TF Serving readiness with the exec script on port 8501, and the port for startup and liveness', () => {
    const probes = tfServingProbes(spec);
    expect(probes.readinessProbe.exec?.command).toEqual([
      'bash',
      '-c',
      expect.stringContaining('/dev/tcp/127.0.0.1/$port'),
      'turing-ready',
      '8501',
      'iris',
      '3',
      '4',
    ]);
    expect(probes.startupProbe.tcpSocket).toEqual({ port: 'http' });
    expect(probes.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    // Ten minutes for a large model to load before the container is restarted.
    expect((probes.startupProbe.periodSeconds ?? 0) * (probes.startupProbe.failureThreshold ?? 0)).toBe(600);
  });

  it('waits for the stable version at startup and follows the canary for MLServer readiness', () => {
    const probes = mlserverProbes(spec);
    expect(probes.startupProbe.httpGet).toEqual({ path: '/v2/models/iris/versions/3/ready', port: 'http' });
    expect(probes.readinessProbe.httpGet).toEqual({ path: '/v2/models/iris/versions/4/ready', port: 'http' });
    expect(probes.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    const stableOnly = mlserverProbes({ name: 'iris', traffic: { stable: 3, canaryPercent: 0 } });
    expect(stableOnly.readinessProbe.httpGet?.path).toBe('/v2/models/iris/versions/3/ready');
  });
});
