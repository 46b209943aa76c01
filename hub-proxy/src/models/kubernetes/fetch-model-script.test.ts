import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * `runner/fetch_model.py`, the serving pods' init container, run with the
 * environment the Deployment gives it against a real HTTP server shaped
 * like hub-proxy's model-artifact endpoints.
 */

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../../../runner/fetch_model.py');
const TOKEN = 'tma1.a-token-that-must-never-be-printed.sig';

/** Version -> path -> content. */
let store: Record<string, Record<string, string>> = {};
/** Lies the server tells: a manifest size that differs from the content. */
let manifestSizeFor: (path: string, actual: number) => number = (_p, actual) => actual;
let failuresBeforeSuccess = 0;
let seen: { url: string; authorization: string | undefined }[] = [];

let server: Server;
let base = '';
let workDir = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    if (failuresBeforeSuccess > 0) {
      failuresBeforeSuccess--;
      res.writeHead(503).end();
      return;
    }
    const match =
      /^\/services\/turing\/api\/v1\/model-artifacts\/iris\/versions\/(\d+)\/(manifest|files\/(.+))$/.exec(
        req.url ?? '',
      );
    const files = match ? store[match[1] ?? ''] : undefined;
    if (!match || !files) {
      res.writeHead(404).end();
      return;
    }
    if (match[2] === 'manifest') {
      const list = Object.entries(files).map(([path, content]) => ({
        path,
        sizeBytes: manifestSizeFor(path, Buffer.byteLength(content)),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ files: list }));
      return;
    }
    const content = files[decodeURIComponent(match[3] ?? '')];
    if (content === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(content);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/turing/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  manifestSizeFor = (_p, actual) => actual;
  failuresBeforeSuccess = 0;
  seen = [];
});

async function fetchModel(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('python3', [SCRIPT], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr };
  } catch (err) {
    const { code, stderr } = err as { code?: number; stderr?: string };
    return { code: code ?? -1, stderr: stderr ?? '' };
  }
}

function settings(overrides: Record<string, string> = {}): Record<string, string> {
  workDir = mkdtempSync(join(tmpdir(), 'fetch-model-'));
  return {
    TURING_ARTIFACT_API: base,
    TURING_ARTIFACT_TOKEN: TOKEN,
    TURING_MODEL: 'iris',
    TURING_MODEL_VERSIONS: '1,2',
    TURING_MODELS_DIR: join(workDir, 'models', 'iris'),
    ...overrides,
  };
}

describe('runner/fetch_model.py', () => {
  it('downloads every file of every wanted version into <dir>/<version>/<path>, with the bearer token', async () => {
    store = {
      '1': { 'saved_model.pb': 'graph-1', 'variables/variables.index': 'index-1', 'assets/a b.txt': 'x' },
      '2': { 'saved_model.pb': 'graph-two' },
      '3': { 'saved_model.pb': 'not wanted' },
    };
    const env = settings();
    const result = await fetchModel(env);
    expect(result).toMatchObject({ code: 0 });
    const dir = env.TURING_MODELS_DIR ?? '';
    expect(readFileSync(join(dir, '1', 'variables', 'variables.index'), 'utf8')).toBe('index-1');
    expect(readFileSync(join(dir, '1', 'assets', 'a b.txt'), 'utf8')).toBe('x');
    expect(readFileSync(join(dir, '2', 'saved_model.pb'), 'utf8')).toBe('graph-two');
    expect(readdirSync(dir).sort()).toEqual(['1', '2']);
    expect(seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen.map((s) => s.url)).toContain(
      '/services/turing/api/v1/model-artifacts/iris/versions/1/files/assets/a%20b.txt',
    );
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('retries a 503 and keeps files already complete when run again', async () => {
    store = { '1': { 'model.json': '{"learner":{}}' } };
    const env = settings({ TURING_MODEL_VERSIONS: '1' });
    failuresBeforeSuccess = 1;
    expect((await fetchModel(env)).code).toBe(0);
    const fileRequests = () => seen.filter((s) => s.url.includes('/files/')).length;
    const first = fileRequests();
    expect(await fetchModel(env)).toMatchObject({ code: 0 });
    expect(fileRequests()).toBe(first);
  });

  it('fails at once on a refused token, without printing it', async () => {
    store = { '1': { 'model.json': '{}' } };
    const result = await fetchModel(settings({ TURING_ARTIFACT_TOKEN: 'tma1.wrong.token' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 401/);
    expect(result.stderr).not.toContain('tma1.wrong.token');
    expect(seen).toHaveLength(1);
  });

  it('refuses a file whose size differs from the manifest and leaves no partial file', async () => {
    store = { '1': { 'model.json': '{"learner":{}}' } };
    manifestSizeFor = (_p, actual) => actual + 5;
    const env = settings({ TURING_MODEL_VERSIONS: '1' });
    const result = await fetchModel(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/got 14 bytes, the manifest says 19/);
    expect(readdirSync(join(env.TURING_MODELS_DIR ?? '', '1'))).toEqual([]);
  });

  it('refuses manifest paths that leave the version folder', async () => {
    store = { '1': { '../../escape.txt': 'x' } };
    const result = await fetchModel(settings({ TURING_MODEL_VERSIONS: '1' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unsafe path/);
  });

  it("copies MLServer's settings from a ConfigMap-shaped tree (hidden ..data, symlinked entries) into the repository", async () => {
    store = { '4': { 'model.json': '{}' } };
    const env = settings({ TURING_MODEL_VERSIONS: '4' });
    // What the kubelet mounts for a ConfigMap volume with items: visible symlinks into `..data`.
    const mount = join(workDir, 'config');
    mkdirSync(join(mount, '..2026_data', 'iris', '4'), { recursive: true });
    writeFileSync(join(mount, '..2026_data', 'settings.json'), '{"http_port": 8080}');
    writeFileSync(join(mount, '..2026_data', 'iris', '4', 'model-settings.json'), '{"name": "iris"}');
    symlinkSync('..2026_data', join(mount, '..data'));
    symlinkSync(join('..data', 'settings.json'), join(mount, 'settings.json'));
    symlinkSync(join('..data', 'iris'), join(mount, 'iris'));
    const repository = join(workDir, 'models');
    const result = await fetchModel({ ...env, TURING_CONFIG_DIR: mount, TURING_CONFIG_DEST: repository });
    expect(result.code).toBe(0);
    expect(readFileSync(join(repository, 'settings.json'), 'utf8')).toBe('{"http_port": 8080}');
    expect(readFileSync(join(repository, 'iris', '4', 'model-settings.json'), 'utf8')).toBe(
      '{"name": "iris"}',
    );
    expect(readdirSync(repository).sort()).toEqual(['iris', 'settings.json']);
  });
});
