import type { V1Probe } from '@kubernetes/client-node';
import type { ModelSpec } from '../model.js';
import { wantedVersions } from './model-server-resource.js';
import { TF_SERVING_REST_PORT } from './serving-config.js';

/**
 * Health probes of the serving container. Pure.
 *
 * TF Serving has no health endpoint, and `GET /v1/models/<name>` answers
 * 200 whatever the load state, so an open port or a 200 says nothing. Its
 * readiness is an exec probe that asks `GET /v1/models/<name>/versions/<v>`
 * for every wanted version and passes only when each answers 200 with
 * `"state": "AVAILABLE"`. The image (Ubuntu) guarantees bash but neither
 * curl, wget nor python, so the probe is a bash script using only builtins:
 * `/dev/tcp` for the connection and `read` for the answer (HTTP/1.0, so
 * the server closes after answering). No sidecar and no extra binary.
 *
 * MLServer answers per version: the startup probe waits for the stable
 * version (`/v2/models/<name>/versions/<v>/ready`) and then the readiness
 * probe follows the canary (or the stable version when there is none), so
 * a pod turns Ready only once both load, with plain HTTP probes. Liveness
 * is `/v2/health/live`. (`/v2/health/ready` would pass with no model loaded.)
 */

/** The bash readiness script of TF Serving; arguments: port, model, versions... */
export const TF_SERVING_READY_SCRIPT = [
  'set -u',
  'port=$1 model=$2',
  'shift 2',
  'for version in "$@"; do',
  '  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1',
  '  printf \'GET /v1/models/%s/versions/%s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n\' "$model" "$version" >&3',
  '  answer=',
  "  IFS= read -r -d '' -u 3 answer || true",
  '  exec 3<&-',
  "  status_line=${answer%%$'\\r'*}",
  '  case $status_line in',
  "    'HTTP/1.'?' 200'*) ;;",
  '    *) echo "version $version: $status_line"; exit 1 ;;',
  '  esac',
  '  case ${answer//[[:space:]]/} in',
  '    *\'"state":"AVAILABLE"\'*) ;;',
  '    *) echo "version $version is not AVAILABLE"; exit 1 ;;',
  '  esac',
  'done',
].join('\n');

/** The exec command of TF Serving's readiness probe for `spec`'s wanted versions. */
export function tfServingReadyCommand(
  spec: Pick<ModelSpec, 'name' | 'traffic'>,
  port = TF_SERVING_REST_PORT,
): string[] {
  const versions = wantedVersions(spec).map(String);
  return ['bash', '-c', TF_SERVING_READY_SCRIPT, 'turing-ready', String(port), spec.name, ...versions];
}

/** Long enough for a big model to load: 120 x 5 s = 10 min before the container is restarted. */
const STARTUP = { periodSeconds: 5, failureThreshold: 120, timeoutSeconds: 3 };
const READINESS = { periodSeconds: 5, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 3 };
const LIVENESS = { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 };

/** Startup, readiness and liveness probes of the serving container. */
export interface ServingProbes {
  startupProbe: V1Probe;
  readinessProbe: V1Probe;
  livenessProbe: V1Probe;
}

/** TF Serving: the port for startup and liveness, the AVAILABLE check for readiness. */
export function tfServingProbes(spec: Pick<ModelSpec, 'name' | 'traffic'>): ServingProbes {
  const port = { tcpSocket: { port: 'http' } };
  return {
    startupProbe: { ...port, ...STARTUP },
    readinessProbe: { exec: { command: tfServingReadyCommand(spec) }, ...READINESS },
    livenessProbe: { ...port, ...LIVENESS },
  };
}

function versionReady(model: string, version: number): V1Probe['httpGet'] {
  return { path: `/v2/models/${model}/versions/${version}/ready`, port: 'http' };
}

/** MLServer: stable version loaded (startup), canary or stable ready (readiness), server live (liveness). */
export function mlserverProbes(spec: Pick<ModelSpec, 'name' | 'traffic'>): ServingProbes {
  const [stable, canary] = wantedVersions(spec);
  if (stable === undefined) throw new Error(`model ${spec.name} has no version to serve`);
  return {
    startupProbe: { httpGet: versionReady(spec.name, stable), ...STARTUP },
    readinessProbe: { httpGet: versionReady(spec.name, canary ?? stable), ...READINESS },
    livenessProbe: { httpGet: { path: '/v2/health/live', port: 'http' }, ...LIVENESS },
  };
}
