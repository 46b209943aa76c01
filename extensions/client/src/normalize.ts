import type { Environment, EnvironmentsResponse, GpuTypeChoice, WireEnvironmentsResponse } from './types';

/** A GPU type by id (hub-proxy's form) or already named. */
type RawGpuType = string | GpuTypeChoice;

/**
 * Brings a `GET /api/v1/environments` answer into {@link EnvironmentsResponse}.
 *
 * hub-proxy lists an environment's GPU types as ids and names them once in
 * `gpus.types[].displayName`; the panels want `{id, displayName}` per
 * environment. Both forms are accepted.
 */
export function normalizeEnvironments(
  raw: WireEnvironmentsResponse | EnvironmentsResponse,
): EnvironmentsResponse {
  const names = new Map<string, string>();
  for (const t of raw.gpus?.types ?? []) {
    if (t.displayName) {
      names.set(t.type, t.displayName);
    }
  }
  const environments = (raw.environments ?? []).map((env): Environment => {
    if (!env.gpu) {
      return env as Environment;
    }
    const given: RawGpuType[] = env.gpu.types ?? [];
    const types = given.map((t) => (typeof t === 'string' ? { id: t, displayName: names.get(t) ?? t } : t));
    return { ...env, gpu: { ...env.gpu, types } };
  });
  return {
    ...raw,
    environments,
    gpus: { ...raw.gpus, types: raw.gpus?.types ?? [] },
    quota: raw.quota ?? { maxGpus: 0, usedGpus: 0 },
  };
}
