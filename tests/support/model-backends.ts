/**
 * Loopback HTTP backends shaped like the serving runtimes the gateway sits
 * in front of: TF Serving's REST API (`/v1/models/...`) and the Open
 * Inference Protocol MLServer speaks (`/v2/...`), with the response
 * shapes of their documentation. Each records what it received, so tests
 * can count the balancing and inspect the forwarded requests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Options of {@link startModelBackend}. */
export interface ModelBackendOptions {
  /** The model it serves. */
  model: string;
  /** Versions it has loaded; others are 404 as in TF Serving. Default [1]. */
  versions?: number[];
  /** Delay before each answer, in ms (a timer, not CPU). Default 0. */
  delayMs?: number;
}

/** One request as the backend saw it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A running backend. */
export interface ModelBackend {
  /** `backend-<port>` */
  readonly id: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Requests whose headers arrived, in order. */
  readonly received: ReceivedRequest[];
  /** Requests received and not yet answered or abandoned. */
  readonly inflight: number;
  /** Requests the caller abandoned before the answer. */
  readonly abandoned: number;
  /** Connections accepted in total. */
  readonly connections: number;
  delayMs: number;
  /** Stops listening and drops every connection at once, like a killed process. */
  kill(): void;
  close(): Promise<void>;
}

const NOT_FOUND = (message: string) => ({ status: 404, body: { error: message } });

/**
 * The answer of a TF Serving or V2 call: predictions are the sum of each
 * instance's numbers, so a test can check the whole round trip.
 */
function answer(
  model: string,
  versions: number[],
  method: string,
  path: string,
  body: string,
): { status: number; body: unknown } {
  const v1 = /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+))?(:predict|\/metadata)?$/.exec(path);
  const v2 = /^\/v2\/models\/([^/]+)(?:\/versions\/(\d+))?(\/infer|\/ready)?$/.exec(path);
  if (path === '/v2/health/ready' || path === '/v2/health/live') return { status: 200, body: {} };
  const match = v1 ?? v2;
  if (!match || match[1] !== model) return NOT_FOUND(`Servable not found for request: ${path}`);
  const version = match[2] === undefined ? Math.max(...versions) : Number(match[2]);
  if (!versions.includes(version)) {
    return NOT_FOUND(`Servable not found for request: Specific(${model}, ${version})`);
  }
  const verb = match[3];
  const sum = (row: unknown): number =>
    Array.isArray(row) ? row.reduce((a: number, x) => a + sum(x), 0) : Number(row);
  if (v1) {
    if (verb === ':predict' && method === 'POST') {
      const { instances } = JSON.parse(body || '{}') as { instances?: unknown[] };
      return { status: 200, body: { predictions: (instances ?? []).map(sum) } };
    }
    if (verb === '/metadata') {
      return {
        status: 200,
        body: {
          model_spec: { name: model, signature_name: '', version: String(version) },
          metadata: {
            signature_def: {
              signature_def: { serving_default: { method_name: 'tensorflow/serving/predict' } },
            },
          },
        },
      };
    }
    return {
      status: 200,
      body: {
        model_version_status: [
          { version: String(version), state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        ],
      },
    };
  }
  if (verb === '/infer' && method === 'POST') {
    const { inputs, id } = JSON.parse(body || '{}') as {
      id?: string;
      inputs?: { shape: number[]; data: number[] }[];
    };
    const input = inputs?.[0];
    const rows = input?.shape[0] ?? 0;
    const width = rows > 0 ? (input?.data.length ?? 0) / rows : 0;
    const data = Array.from({ length: rows }, (_, r) => sum(input?.data.slice(r * width, (r + 1) * width)));
    return {
      status: 200,
      body: {
        model_name: model,
        model_version: String(version),
        ...(id === undefined ? {} : { id }),
        outputs: [{ name: 'predict', shape: [rows], datatype: 'FP64', data }],
      },
    };
  }
  if (verb === '/ready') return { status: 200, body: {} };
  return {
    status: 200,
    body: { name: model, versions: versions.map(String), platform: 'mlserver', inputs: [], outputs: [] },
  };
}

/** Starts a backend on a random loopback port. */
export async function startModelBackend(options: ModelBackendOptions): Promise<ModelBackend> {
  const versions = options.versions ?? [1];
  const sockets = new Set<Socket>();
  const received: ReceivedRequest[] = [];
  let inflight = 0;
  let abandoned = 0;
  let connections = 0;
  const state = { delayMs: options.delayMs ?? 0 };

  const server: Server = createServer((req, res) => {
    const entry: ReceivedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: '',
      at: Date.now(),
    };
    received.push(entry);
    inflight += 1;
    let answered = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('close', () => {
      inflight -= 1;
      if (!answered) abandoned += 1;
    });
    req.once('end', () => {
      const body = Buffer.concat(chunks).toString();
      entry.body = body;
      const reply = answer(options.model, versions, entry.method, entry.url.split('?')[0] as string, body);
      const send = () => {
        if (res.destroyed) return;
        answered = true;
        const text = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          'x-backend': `backend-${port}`,
          // A backend must not be able to set cookies on the hub's origin.
          'set-cookie': 'backend=1; Path=/',
        });
        res.end(text);
      };
      if (state.delayMs > 0) setTimeout(send, state.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const kill = () => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  return {
    id: `backend-${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    get inflight() {
      return inflight;
    },
    get abandoned() {
      return abandoned;
    },
    get connections() {
      return connections;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    kill,
    close: async () => {
      kill();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
