import { MODEL_SERVER_NAME_PREFIX } from '../model-server-schema.js';

/**
 * Names and labels of the objects that serve a model. Every object is
 * named after the ModelServer (`model-<name>`), so a model name (a DNS
 * label of at most 40 characters) leaves room for the suffixes below and
 * for the pod names a Deployment derives (`-<hash>-<5>`), within 63.
 */

/** Label keys of the models feature. */
export const MODEL_LABELS = {
  /** `turing` on everything Turing makes. */
  partOf: 'app.kubernetes.io/part-of',
  /** What the object is for (`model-server`). */
  component: 'app.kubernetes.io/component',
  /** The model name, on every object serving it (and on their pods and EndpointSlices). */
  model: 'turing.dev/model',
  /** On pods: the versions the pod serves, ascending and joined by `.` (`3.4`). */
  versions: 'turing.dev/model-versions',
  /** On serving ConfigMaps, so stale ones are found: `serving-config`. */
  role: 'turing.dev/role',
} as const;

/** The label the EndpointSlice controller puts on a Service's slices. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Object name of a model's ModelServer, Deployment, Service, PDB and HPA: `model-<name>`. */
export function modelObjectName(model: string): string {
  return `${MODEL_SERVER_NAME_PREFIX}${model}`;
}

/** The model name of a ModelServer object name, or undefined for other names. */
export function modelNameOf(objectName: string): string | undefined {
  return objectName.startsWith(MODEL_SERVER_NAME_PREFIX)
    ? objectName.slice(MODEL_SERVER_NAME_PREFIX.length) || undefined
    : undefined;
}

/** The Secret holding the init container's artifact token. */
export function artifactSecretName(model: string): string {
  return `${modelObjectName(model)}-artifacts`;
}

/**
 * A serving ConfigMap, named by a hash of its content: each pod template
 * mounts exactly the configuration it was made for, so a running pod never
 * sees another version set's config (TF Serving re-reads its config file).
 */
export function servingConfigMapName(model: string, contentHash: string): string {
  return `${modelObjectName(model)}-${contentHash}`;
}

/** `3.4` for versions [4, 3]: the pod label value (labels cannot hold commas). */
export function versionsLabelValue(versions: readonly number[]): string {
  return [...new Set(versions)].sort((a, b) => a - b).join('.');
}

/** The versions of a {@link MODEL_LABELS.versions} label; undefined when it is absent or malformed. */
export function parseVersionsLabel(value: string | undefined): number[] | undefined {
  if (!value || !/^[1-9][0-9]*(\.[1-9][0-9]*)*$/.test(value)) return undefined;
  return value.split('.').map(Number);
}

/**
 * The pod hostname that carries the versions a pod serves (`v1-2`). With the
 * pod's subdomain set to its Service's name, the EndpointSlice controller
 * copies it into each endpoint, so the gateway knows a new pod's versions
 * even before its own pods cache has seen the pod.
 */
export function versionsHostname(versions: readonly number[]): string {
  return `v${versionsLabelValue(versions).replaceAll('.', '-')}`;
}

/** The versions of a {@link versionsHostname}; undefined for any other hostname. */
export function parseVersionsHostname(hostname: string | undefined): number[] | undefined {
  if (!hostname || !/^v[1-9][0-9]*(-[1-9][0-9]*)*$/.test(hostname)) return undefined;
  return hostname.slice(1).split('-').map(Number);
}
