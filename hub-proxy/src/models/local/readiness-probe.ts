import { request } from 'node:http';
import type { LocalServerKind } from './serving-launch.js';

/** One look at a serving process: ready, not yet, or failed for good (a version cannot load). */
export type ProbeResult = { ready: true } | { ready: false; failure?: string };

/** Timeout of one probe request. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether the server on `port` serves every version of `versions` of
 * `model`. MLServer: each `/v2/models/<m>/versions/<v>/ready` answers 200.
 * The TF Serving stand-in: `/v1/models/<m>` reports each version
 * `AVAILABLE` (an open port is not readiness: TF Serving answers status
 * while versions load); a version in state `END` failed to load.
 */
export async function probeVersions(
  kind: LocalServerKind,
  port: number,
  model: string,
  versions: readonly number[],
): Promise<ProbeResult> {
  const name = encodeURIComponent(model);
  if (kind === 'mlserver') {
    for (const version of versions) {
      const answer = await get(port, `/v2/models/${name}/versions/${version}/ready`);
      if (answer?.status !== 200) return { ready: false };
    }
    return { ready: true };
  }
  const answer = await get(port, `/v1/models/${name}`);
  if (answer?.status !== 200) return { ready: false };
  const states = new Map<number, { state: string; message: string }>();
  try {
    const body = JSON.parse(answer.body) as {
      model_version_status?: Array<{ version: string; state: string; status?: { error_message?: string } }>;
    };
    for (const s of body.model_version_status ?? []) {
      states.set(Number(s.version), { state: s.state, message: s.status?.error_message ?? '' });
    }
  } catch {
    return { ready: false };
  }
  for (const version of versions) {
    const state = states.get(version);
    if (state?.state === 'END') {
      return {
        ready: false,
        failure: `version ${version}: ${state.message || 'it failed to load'}`,
      };
    }
    if (state?.state !== 'AVAILABLE') return { ready: false };
  }
  return { ready: true };
}

/** GET on 127.0.0.1:`port`; undefined when the connection fails or times out. */
function get(port: number, path: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', () => resolve(undefined));
    });
    req.setTimeout(PROBE_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
