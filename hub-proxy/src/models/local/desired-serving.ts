import type { ModelFormat, ModelSpec, ModelStatus, ModelVersion } from '../model.js';
import { serverKindOf, servingEnvironment, type LocalServerKind } from './serving-launch.js';

/**
 * What a model's spec asks of the local runtime: no process (disabled, no
 * traffic yet, or a spec it cannot serve), or one process serving a set of
 * versions. `key` names everything that needs a new process when it
 * changes: the server, the versions and the thread count. The canary
 * percentage is not in it: the gateway splits traffic.
 */
export type Desired =
  | { serve: false; phase: Extract<ModelStatus['phase'], 'Disabled' | 'Pending' | 'Failed'>; message: string }
  | {
      serve: true;
      key: string;
      kind: LocalServerKind;
      label: string;
      format: ModelFormat;
      versions: ModelVersion[];
    };

/** The serving a spec asks for. */
export function desiredServing(spec: ModelSpec): Desired {
  if (spec.disabled) return { serve: false, phase: 'Disabled', message: 'The model is disabled.' };
  if (!spec.traffic) {
    return { serve: false, phase: 'Pending', message: 'No version has traffic yet: publish a version.' };
  }
  const { stable, canary } = spec.traffic;
  const numbers = [...new Set(canary === undefined ? [stable] : [stable, canary])].sort((a, b) => a - b);
  const versions: ModelVersion[] = [];
  for (const number of numbers) {
    const version = spec.versions.find((v) => v.version === number);
    if (!version) return { serve: false, phase: 'Failed', message: `Version ${number} does not exist.` };
    versions.push(version);
  }
  // One process serves them all, so they must be of one format (the model's).
  const format = spec.format ?? versions[0]?.format ?? 'xgboost';
  const other = versions.find((v) => v.format !== format);
  if (other) {
    return {
      serve: false,
      phase: 'Failed',
      message: `Version ${other.version} is a ${other.format} model; ${spec.name} serves ${format} models.`,
    };
  }
  const kind = serverKindOf(format);
  const threads = servingEnvironment(spec).OMP_NUM_THREADS;
  return {
    serve: true,
    key: JSON.stringify({ kind, versions: numbers, threads }),
    kind,
    label: kind === 'mlserver' ? 'MLServer' : 'the TF Serving stand-in',
    format,
    versions,
  };
}
