/**
 * The load generator of `npm run bench:gateway`, run as its own process so
 * it does not share an event loop with the proxy it measures. It speaks
 * HTTP/1.1 on raw keep-alive sockets (like wrk): one prebuilt request per
 * call and a minimal response parser (status line, Content-Length or
 * chunked), so it spends far less CPU per call than an HTTP client would.
 *
 * - `closed`: every connection sends its next request as soon as the last
 *   answer arrived; reports calls per second.
 * - `open`: requests are due on a fixed schedule (`rate` per second)
 *   whatever the answers do. A request waiting for a free connection
 *   counts from the time it was due, so a stalled proxy cannot hide its
 *   stall by slowing the sender (coordinated omission); the generator's
 *   own timer lag is reported apart and not charged to the proxy.
 *
 * Usage: `tsx bench/gateway-load.ts '<json LoadSpec>'`; prints a JSON {@link LoadResult}.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** What to run. */
export interface LoadSpec {
  mode: 'closed' | 'open';
  /** `http://127.0.0.1:<port>/<path>` */
  url: string;
  method: string;
  body?: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Open loop: requests per second. */
  rate?: number;
}

/** What it measured (latencies in ms). */
export interface LoadResult {
  requests: number;
  errors: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Open loop: how late the generator's own timers sent requests (p99, ms). */
  senderLagP99?: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** One keep-alive connection sending one request at a time. */
class Connection {
  private readonly socket: Socket;
  private pending: Buffer | undefined;
  private startedAt = 0;
  busy = false;

  constructor(
    host: string,
    port: number,
    private readonly request: Buffer,
    private readonly done: (conn: Connection, status: number, startedAt: number) => void,
    private readonly failed: (conn: Connection, error: Error) => void,
  ) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.failed(this, error));
  }

  /** Resolves when connected. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  send(startedAt: number): void {
    this.busy = true;
    this.startedAt = startedAt;
    this.socket.write(this.request);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const headerEnd = buf.indexOf(CRLF2);
    if (headerEnd < 0) {
      this.pending = buf;
      return;
    }
    const head = buf.toString('latin1', 0, headerEnd);
    const bodyStart = headerEnd + 4;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let complete: boolean;
    if (length) complete = buf.length - bodyStart >= Number(length[1]);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      complete = buf.length - bodyStart >= 5 && buf.subarray(buf.length - 5).equals(CHUNKED_END);
    } else complete = true;
    if (!complete) {
      this.pending = buf;
      return;
    }
    this.pending = undefined;
    this.busy = false;
    this.done(this, Number(head.slice(9, 12)), this.startedAt);
  }
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function summarize(
  latencies: number[],
  count: number,
  errors: number,
  non2xx: number,
  seconds: number,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    requests: count,
    errors,
    non2xx,
    rps: Math.round(count / seconds),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** Runs `spec` and returns its figures. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const request = Buffer.from(
    `${spec.method} ${url.pathname}${url.search} HTTP/1.1\r\n` +
      `Host: ${url.host}\r\n` +
      (body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : '') +
      '\r\n' +
      (body ? body.toString() : ''),
  );

  const begin = performance.now();
  const measureFrom = begin + spec.warmupMs;
  const measureUntil = measureFrom + spec.durationMs;
  const latencies: number[] = [];
  let count = 0;
  let errors = 0;
  let non2xx = 0;
  let stopping = false;
  const lags: number[] = [];
  const queue: number[] = [];
  const idle: Connection[] = [];

  let dispatch: (conn: Connection) => void = () => undefined;
  const done = (conn: Connection, status: number, startedAt: number) => {
    const now = performance.now();
    if (startedAt >= measureFrom && now <= measureUntil) {
      count += 1;
      latencies.push(now - startedAt);
      if (status < 200 || status > 299) non2xx += 1;
    }
    dispatch(conn);
  };
  const failed = (_conn: Connection, error: Error) => {
    if (stopping) return;
    errors += 1;
    console.error(`connection error: ${error.message}`);
  };

  const conns = Array.from(
    { length: spec.connections },
    () => new Connection(url.hostname, Number(url.port || 80), request, done, failed),
  );
  await Promise.all(conns.map((c) => c.ready()));

  if (spec.mode === 'closed') {
    dispatch = (conn) => {
      if (!stopping) conn.send(performance.now());
    };
    for (const conn of conns) conn.send(performance.now());
  } else {
    const rate = spec.rate ?? 1000;
    const interval = 1000 / rate;
    const start = performance.now();
    let next = 0;
    dispatch = (conn) => {
      const due = queue.shift();
      if (due !== undefined && !stopping) conn.send(due);
      else idle.push(conn);
    };
    idle.push(...conns);
    const tick = () => {
      if (stopping) return;
      const now = performance.now();
      while (start + next * interval <= now) {
        const due = start + next * interval;
        next += 1;
        const conn = idle.pop();
        if (conn) {
          // Sent now: the lag is the generator's, so the call is timed from now.
          if (due >= measureFrom && due <= measureUntil) lags.push(now - due);
          conn.send(now);
        } else {
          // No free connection: the proxy is behind, and the wait is charged to it.
          queue.push(due);
        }
      }
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  }

  await new Promise((r) => setTimeout(r, measureUntil - performance.now() + 50));
  stopping = true;
  for (const conn of conns) conn.close();
  const result = summarize(latencies, count, errors, non2xx, spec.durationMs / 1000);
  if (spec.mode === 'open') {
    const sortedLags = Float64Array.from(lags).sort();
    result.senderLagP99 = Math.round(percentile(sortedLags, 99) * 1000) / 1000;
  }
  return result;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const result = await runLoad(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
