/**
 * The paths the gateway serves, parsed and rewritten. Two protocols:
 *
 * - TF Serving REST: `/v1/models/<name>[/versions/<n>|/labels/<l>]` with
 *   `:predict`, `:classify`, `:regress`, `/metadata`, or nothing (status).
 * - Open Inference Protocol (V2): `/v2/models/<name>[/versions/<n>]` with
 *   `/infer`, `/ready`, or nothing (model metadata), and `/v2/health/ready|live`.
 *
 * Anything else is refused: in particular V2's repository calls (`load`,
 * `unload`), which change a server's state, never reach a backend.
 */

/** What a call does; decides its methods, whether it is split by traffic, and the upstream path. */
export type GatewayOperation =
  | 'status'
  | 'metadata'
  | 'predict'
  | 'classify'
  | 'regress'
  | 'infer'
  | 'ready'
  | 'health-ready'
  | 'health-live';

/** A parsed gateway path. */
export interface GatewayPath {
  protocol: 'v1' | 'v2';
  operation: GatewayOperation;
  /** The version the caller named (`/versions/<n>`). */
  version?: number;
  /** The TF Serving version label the caller named (`/labels/<l>`). */
  label?: string;
  /** `?...` as sent, or empty. */
  query: string;
  /** Methods the operation takes. */
  methods: readonly string[];
  /** Inference calls follow the traffic split; the others go to the stable version. */
  inference: boolean;
  /** False for the server-level health calls, which any endpoint of the model answers. */
  modelScoped: boolean;
}

/** The outcome of {@link parseGatewayPath}. */
export type GatewayPathResult = { ok: true; path: GatewayPath } | { ok: false; detail: string };

const READ = ['GET', 'HEAD'] as const;
const WRITE = ['POST'] as const;

// Segments stop at `/`; in v1 also at `:`, which starts the verb.
const V1 =
  /^\/v1\/models\/([^/:]+)(?:\/versions\/([^/:]+)|\/labels\/([^/:]+))?(?::(predict|classify|regress)|\/(metadata))?$/;
const V2 = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(infer|ready))?$/;
const V2_HEALTH = /^\/v2\/health\/(ready|live)$/;
const VERSION = /^[0-9]{1,15}$/;

/** Decodes a path segment; an undecodable one is compared raw. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Parses `path` (what follows `/models/<model>`, query included). The
 * model named inside the path must be `model`; a version must be an integer.
 */
export function parseGatewayPath(path: string, model: string): GatewayPathResult {
  const q = path.indexOf('?');
  const query = q < 0 ? '' : path.slice(q);
  const bare = q < 0 ? path : path.slice(0, q);
  const notServed = { ok: false as const, detail: `No such model endpoint: ${bare || '/'}.` };

  const health = V2_HEALTH.exec(bare);
  if (health) {
    const operation = health[1] === 'ready' ? 'health-ready' : 'health-live';
    return {
      ok: true,
      path: { protocol: 'v2', operation, query, methods: READ, inference: false, modelScoped: false },
    };
  }

  const v1 = V1.exec(bare);
  const v2 = v1 ? null : V2.exec(bare);
  const match = v1 ?? v2;
  if (!match) return notServed;
  if (segment(match[1] as string) !== model) {
    return { ok: false, detail: `This endpoint serves model ${model}; the path names another model.` };
  }
  const rawVersion = match[2];
  if (rawVersion !== undefined && !VERSION.test(rawVersion)) {
    return { ok: false, detail: `Model versions are integers; got ${segment(rawVersion)}.` };
  }
  const version = rawVersion === undefined ? undefined : Number(rawVersion);

  let operation: GatewayOperation;
  let label: string | undefined;
  if (v1) {
    label = v1[3] === undefined ? undefined : segment(v1[3]);
    operation = (v1[4] as GatewayOperation | undefined) ?? (v1[5] ? 'metadata' : 'status');
  } else {
    const verb = (v2 as RegExpExecArray)[3];
    operation = verb === 'infer' ? 'infer' : verb === 'ready' ? 'ready' : 'metadata';
  }
  const inference =
    operation === 'predict' || operation === 'classify' || operation === 'regress' || operation === 'infer';
  return {
    ok: true,
    path: {
      protocol: v1 ? 'v1' : 'v2',
      operation,
      ...(version === undefined ? {} : { version }),
      ...(label === undefined ? {} : { label }),
      query,
      methods: inference ? WRITE : READ,
      inference,
      modelScoped: true,
    },
  };
}

/**
 * The path sent to a backend: always the versioned form when a version is
 * given (`/v1/models/m/versions/3:predict`, `/v2/models/m/versions/3/infer`),
 * so the backend serves exactly the version the gateway chose. Labels are
 * resolved by the gateway and never sent.
 */
export function upstreamPath(path: GatewayPath, model: string, version: number | undefined): string {
  if (!path.modelScoped) {
    return `/v2/health/${path.operation === 'health-ready' ? 'ready' : 'live'}${path.query}`;
  }
  const versioned = `/${path.protocol}/models/${encodeURIComponent(model)}${version === undefined ? '' : `/versions/${version}`}`;
  switch (path.operation) {
    case 'predict':
    case 'classify':
    case 'regress':
      return `${versioned}:${path.operation}${path.query}`;
    case 'metadata':
      return path.protocol === 'v1' ? `${versioned}/metadata${path.query}` : `${versioned}${path.query}`;
    case 'infer':
    case 'ready':
      return `${versioned}/${path.operation}${path.query}`;
    default:
      return `${versioned}${path.query}`;
  }
}
