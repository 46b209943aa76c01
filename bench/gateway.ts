/**
 * `npm run bench:gateway`: the model gateway against its peers on one
 * backend, in one process tree on this machine. For each target, on the
 * same small-JSON backend (nginx `return 200`, see gateway-peers.ts):
 *
 * - throughput: 32 keep-alive connections, closed loop;
 * - latency: a fixed 2,000 requests per second, open loop (p50, p99).
 *
 * Targets: direct to the backend; the Turing gateway (node:http, what
 * hub-proxy ships) and, to justify that choice, the same gateway core on
 * undici and on http-proxy-3; a bare node:http pass-through proxy (the
 * floor for any Node implementation); configurable-http-proxy 5; nginx
 * (one worker, upstream keep-alive). The load generator is its own process
 * (gateway-load.ts). The machine is shared, so each target runs
 * `BENCH_GATEWAY_ROUNDS` times (default 2), interleaved, and the best
 * round counts. Writes bench/results/gateway.json.
 *
 * Environment: BENCH_GATEWAY_SECONDS (measured seconds per run, default
 * 8), BENCH_GATEWAY_ROUNDS, BENCH_GATEWAY_RATE (default 2000).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult, LoadSpec } from './gateway-load.js';
import {
  BUILD_DIR,
  buildBenchGateway,
  startBackend,
  startChp,
  startNginxProxy,
  startTuring,
  type Peer,
} from './gateway-peers.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_GATEWAY_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 2);
const RATE = Number(process.env.BENCH_GATEWAY_RATE ?? 2000);
const CONNECTIONS = 32;
const WARMUP_MS = 2000;
const BODY = JSON.stringify({ instances: [[1.0, 2.0, 3.0, 4.0]] });

/** Where each target listens and which path it serves the model on. */
interface Target {
  name: string;
  start(dir: string, backendPort: number): Promise<Peer | undefined>;
  path: string;
}

const DIRECT_PATH = '/v1/models/m/versions/1:predict';
const TARGETS: Target[] = [
  { name: 'direct', start: async () => undefined, path: DIRECT_PATH },
  {
    name: 'turing',
    start: (dir, port) => startTuring(dir, 'node', port),
    path: '/models/m/v1/models/m:predict',
  },
  {
    name: 'turing_undici',
    start: (dir, port) => startTuring(dir, 'undici', port),
    path: '/models/m/v1/models/m:predict',
  },
  {
    name: 'turing_http_proxy_3',
    start: (dir, port) => startTuring(dir, 'http-proxy-3', port),
    path: '/models/m/v1/models/m:predict',
  },
  {
    name: 'node_bare',
    start: (dir, port) => startTuring(dir, 'bare', port),
    path: '/models/m/v1/models/m:predict',
  },
  { name: 'chp', start: startChp, path: DIRECT_PATH },
  { name: 'nginx', start: startNginxProxy, path: DIRECT_PATH },
];

/** Runs the load generator in its own process. */
async function load(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    [join(BUILD_DIR, 'bench/gateway-load.js'), JSON.stringify(spec)],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as LoadResult;
}

/** User plus system CPU time of `pid` and its children (nginx's worker), in seconds. */
function cpuSeconds(pid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name: state, ppid, ..., utime (14th), stime (15th); USER_HZ is 100.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid || Number(fields[1]) === pid)
      total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

interface Measured {
  closed: LoadResult;
  open: LoadResult;
  /** CPU time of the proxy per request in the closed loop, µs. */
  cpuUsPerRequest?: number;
}

async function measure(target: Target, dir: string, backend: Peer): Promise<Measured> {
  const peer = await target.start(dir, backend.port);
  const port = peer?.port ?? backend.port;
  const url = `http://127.0.0.1:${port}${target.path}`;
  try {
    const cpuPid = peer?.pid ?? backend.pid;
    const cpuBefore = cpuSeconds(cpuPid);
    const closed = await load({
      mode: 'closed',
      url,
      method: 'POST',
      body: BODY,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: SECONDS * 1000,
    });
    const cpu = cpuSeconds(cpuPid) - cpuBefore;
    const open = await load({
      mode: 'open',
      url,
      method: 'POST',
      body: BODY,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: SECONDS * 1000,
      rate: RATE,
    });
    // Warm-up requests count in the CPU time too; scale by the whole closed run.
    const total = closed.rps * (SECONDS + WARMUP_MS / 1000);
    return { closed, open, ...(peer ? { cpuUsPerRequest: Math.round((cpu / total) * 1e6) } : {}) };
  } finally {
    await peer?.stop();
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  await buildBenchGateway();
  const dir = mkdtempSync(join(tmpdir(), 'turing-bench-gateway-'));
  const backend = await startBackend(dir);
  const rounds: Record<string, Measured[]> = {};
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate the order, so a slow spell on the machine does not always hit the same target.
      const order = round % 2 === 1 ? TARGETS : [...TARGETS].reverse();
      for (const target of order) {
        const measured = await measure(target, dir, backend);
        (rounds[target.name] ??= []).push(measured);
        console.log(
          `round ${round} ${target.name.padEnd(20)} ${String(measured.closed.rps).padStart(6)} req/s` +
            ` (errors ${measured.closed.errors + measured.closed.non2xx}) | at ${RATE}/s p50 ${measured.open.p50} ms` +
            ` p99 ${measured.open.p99} ms (errors ${measured.open.errors + measured.open.non2xx})` +
            (measured.cpuUsPerRequest === undefined ? '' : ` | proxy CPU ${measured.cpuUsPerRequest} µs/req`),
        );
      }
    }
  } finally {
    await backend.stop();
  }

  // Best round per target: the highest throughput, the lowest latencies.
  const best = (name: string) => {
    const all = rounds[name] ?? [];
    return {
      rps: Math.max(...all.map((m) => m.closed.rps)),
      p50: Math.min(...all.map((m) => m.open.p50)),
      p99: Math.min(...all.map((m) => m.open.p99)),
      cpu: Math.min(...all.map((m) => m.cpuUsPerRequest ?? Infinity)),
      errors: all.reduce((n, m) => n + m.closed.errors + m.closed.non2xx + m.open.errors + m.open.non2xx, 0),
    };
  };
  const b = Object.fromEntries(TARGETS.map((t) => [t.name, best(t.name)]));
  const get = (name: string) => b[name] as ReturnType<typeof best>;
  const turing = get('turing');
  const nginx = get('nginx');
  const chp = get('chp');
  const direct = get('direct');

  const results: Record<string, unknown> = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadavg: loadavg().map(round2),
      node: process.version,
    },
    settings: {
      backend: 'nginx return 200 (small JSON), one worker',
      connections: CONNECTIONS,
      measuredSeconds: SECONDS,
      warmupSeconds: WARMUP_MS / 1000,
      openLoopRate: RATE,
      rounds: ROUNDS,
      pick: 'best round per target (highest req/s, lowest latencies): the machine is shared',
      request: `POST ${BODY.length}-byte JSON; Turing paths /models/m/v1/models/m:predict -> /v1/models/m/versions/1:predict`,
    },
    direct_rps: direct.rps,
    turing_rps: turing.rps,
    chp_rps: chp.rps,
    nginx_rps: nginx.rps,
    turing_undici_rps: get('turing_undici').rps,
    turing_http_proxy_3_rps: get('turing_http_proxy_3').rps,
    node_bare_rps: get('node_bare').rps,
    direct_p50_ms: direct.p50,
    direct_p99_ms: direct.p99,
    turing_p50_ms: turing.p50,
    turing_p99_ms: turing.p99,
    turing_p50_added_ms: round2(turing.p50 - direct.p50),
    nginx_p50_ms: nginx.p50,
    nginx_p99_ms: nginx.p99,
    nginx_p50_added_ms: round2(nginx.p50 - direct.p50),
    chp_p50_ms: chp.p50,
    chp_p99_ms: chp.p99,
    turing_undici_p50_ms: get('turing_undici').p50,
    turing_undici_p99_ms: get('turing_undici').p99,
    turing_http_proxy_3_p50_ms: get('turing_http_proxy_3').p50,
    turing_http_proxy_3_p99_ms: get('turing_http_proxy_3').p99,
    node_bare_p50_ms: get('node_bare').p50,
    node_bare_p99_ms: get('node_bare').p99,
    cpu_us_per_request: Object.fromEntries(
      TARGETS.filter((t) => t.name !== 'direct').map((t) => [t.name, get(t.name).cpu]),
    ),
    errors: Object.fromEntries(TARGETS.map((t) => [t.name, get(t.name).errors])),
    goals: {
      throughput_vs_nginx: {
        value: round2(turing.rps / nginx.rps),
        goal: '>= 0.9',
        met: turing.rps >= 0.9 * nginx.rps,
      },
      throughput_vs_chp: {
        value: round2(turing.rps / chp.rps),
        goal: '>= 3',
        met: turing.rps >= 3 * chp.rps,
      },
      p50_added_ms: {
        value: round2(turing.p50 - direct.p50),
        goal: '<= 1',
        met: turing.p50 - direct.p50 <= 1,
      },
      p99_vs_nginx_ms: {
        value: round2(turing.p99 - nginx.p99),
        goal: '<= 2',
        met: turing.p99 - nginx.p99 <= 2,
      },
    },
    rounds,
  };
  const out = resolve(repoRoot, 'bench/results/gateway.json');
  mkdirSync(resolve(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nwrote ${out}`);
  console.log(JSON.stringify(results.goals, null, 2));
}

await main();
