import type { ModelFormat, ModelRecord, ServingRuntimeKind } from './model.js';

/** The formats a serving runtime serves. */
export function formatsOf(kind: ServingRuntimeKind): ModelFormat[] {
  return kind === 'tfserving' ? ['tensorflow'] : ['xgboost', 'sklearn'];
}

/** A model as the API shows it: no key hashes, URLs added. */
export type ModelView = ReturnType<typeof modelView>;

/**
 * The API view of `record`; `servicePrefix` is hub-proxy's (`/services/turing/`),
 * `apiKeyBaseUrl` the API-key listener's in-cluster URL when configured.
 */
export function modelView(record: ModelRecord, servicePrefix: string, apiKeyBaseUrl?: string) {
  const { spec, status } = record;
  const base = `${servicePrefix}models/${spec.name}/`;
  return {
    name: spec.name,
    owner: spec.owner,
    runtime: spec.runtime,
    ...(spec.format ? { format: spec.format } : {}),
    replicas: spec.replicas,
    resources: spec.resources,
    access: spec.access,
    apiKeys: spec.apiKeys.map(({ id, label, createdAt }) => ({ id, label, createdAt })),
    versions: spec.versions.map(({ storagePrefix: _hidden, ...version }) => version),
    ...(spec.traffic ? { traffic: spec.traffic } : {}),
    ...(spec.previousTraffic ? { previousTraffic: spec.previousTraffic } : {}),
    disabled: spec.disabled,
    ...(spec.disabledBy ? { disabledBy: spec.disabledBy } : {}),
    status,
    endpoints: {
      v1: `${base}v1/models/${spec.name}`,
      v2: `${base}v2/models/${spec.name}`,
      ...(apiKeyBaseUrl ? { apiKeyBase: `${apiKeyBaseUrl.replace(/\/$/, '')}/models/${spec.name}` } : {}),
    },
    createdAt: record.createdAt,
    resourceVersion: record.resourceVersion,
  };
}
