/**
 * The processes `npm run bench:gateway` measures, each started on loopback
 * with its files in a temporary directory (so it runs as any user):
 *
 * - the backend: nginx answering a small JSON body (`return 200`), one
 *   worker. It is the same for every target, and cheap, so the proxies'
 *   cost shows instead of the backend's;
 * - nginx as a reverse proxy: one worker, HTTP/1.1 upstream keep-alive;
 * - configurable-http-proxy 5 (npm), as JupyterHub runs it;
 * - the Turing gateway (`bench/gateway-proxy.ts`, compiled) with each transport.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitUntil, type ManagedProcess } from '../tests/support/child-process.js';
import { freePort } from '../tests/support/ports.js';

const repoRoot = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** Where {@link buildBenchGateway} puts the compiled gateway and load generator. */
export const BUILD_DIR = resolve(repoRoot, '.turing/bench-gateway');

/**
 * Compiles the gateway process and the load generator with tsc, as
 * hub-proxy ships (tsc output run by node). Under tsx, esbuild's keepNames
 * and source maps cost the gateway about a tenth more CPU per call.
 * The output stays inside the repository so its imports find node_modules.
 */
export async function buildBenchGateway(): Promise<void> {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  await run(
    resolve(repoRoot, 'node_modules/.bin/tsc'),
    [
      ...['--outDir', BUILD_DIR, '--rootDir', repoRoot, '--noCheck', '--skipLibCheck'],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node'],
      resolve(repoRoot, 'bench/gateway-proxy.ts'),
      resolve(repoRoot, 'bench/gateway-load.ts'),
    ],
    { cwd: repoRoot },
  );
}
const NGINX = process.env.TURING_NGINX ?? '/usr/sbin/nginx';

/** A started peer. */
export interface Peer {
  name: string;
  port: number;
  /** The pid whose CPU time is the peer's. */
  pid: number;
  stop(): Promise<void>;
}

/** The body every backend answer carries. */
export const BACKEND_BODY = '{"predictions":[[0.1,0.9]]}';

async function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function started(name: string, port: number, process: ManagedProcess): Promise<Peer> {
  await waitUntil(`${name} listening`, () => accepts(port), { timeoutMs: 30_000, intervalMs: 50, process });
  return { name, port, pid: process.child.pid ?? 0, stop: () => process.stop(3000) };
}

/** nginx's settings shared by both roles: one worker, files under `dir`, no access log. */
function nginxConfig(dir: string, http: string): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
${http}
}
`;
}

async function startNginx(name: string, dir: string, http: string, port: number): Promise<Peer> {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, http));
  const process = startProcess(name, NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    logDir: dir,
    secretsScan: false,
  });
  return started(name, port, process);
}

/** The backend: nginx answering {@link BACKEND_BODY} to anything. */
export async function startBackend(dir: string): Promise<Peer> {
  const port = await freePort();
  return startNginx(
    'backend',
    join(dir, 'backend'),
    `  server {
    listen 127.0.0.1:${port};
    location / {
      default_type application/json;
      return 200 '${BACKEND_BODY}';
    }
  }`,
    port,
  );
}

/** nginx as a reverse proxy: one worker, upstream keep-alive. */
export async function startNginxProxy(dir: string, backendPort: number): Promise<Peer> {
  const port = await freePort();
  return startNginx(
    'nginx',
    join(dir, 'nginx-proxy'),
    `  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 64;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`,
    port,
  );
}

/** configurable-http-proxy 5 with its defaults, every path routed to the backend. */
export async function startChp(dir: string, backendPort: number): Promise<Peer> {
  const port = await freePort();
  const apiPort = await freePort();
  const process = startProcess(
    'chp',
    resolve(repoRoot, 'node_modules/.bin/configurable-http-proxy'),
    [
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--api-ip',
      '127.0.0.1',
      '--api-port',
      String(apiPort),
      '--default-target',
      `http://127.0.0.1:${backendPort}`,
      '--log-level',
      'warn',
    ],
    {
      logDir: dir,
      secretsScan: false,
      env: { PATH: globalThis.process.env.PATH, CONFIGPROXY_AUTH_TOKEN: 'bench-only-not-a-secret' },
    },
  );
  return started('chp', port, process);
}

/** The Turing gateway in its own process, with the transport `kind`. */
export async function startTuring(dir: string, kind: string, backendPort: number): Promise<Peer> {
  const port = await freePort();
  const process = startProcess(
    `turing-${kind}`,
    globalThis.process.execPath,
    [join(BUILD_DIR, 'bench/gateway-proxy.js'), kind, String(port), `http://127.0.0.1:${backendPort}`],
    { logDir: dir, secretsScan: false, env: { PATH: globalThis.process.env.PATH, NODE_ENV: 'production' } },
  );
  return started(`turing-${kind}`, port, process);
}
