import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import type { ModelRecord, ModelSpec, ModelStatus, ModelVersion, ModelVersionSource } from '../model.js';
import {
  MODEL_SERVER_API_VERSION,
  MODEL_SERVER_KIND,
  type ModelServer,
  type ModelServerSpec,
} from '../model-server-schema.js';
import { ownerMetadata } from '../../ownership/ownership.js';
import { MODEL_LABELS, modelObjectName } from './object-names.js';

/**
 * Between the runtime contract's {@link ModelSpec}/{@link ModelRecord} and
 * the stored ModelServer object. Pure.
 */

/** The status of a ModelServer nobody has reconciled yet. */
export const INITIAL_STATUS: ModelStatus = {
  phase: 'Pending',
  replicas: 0,
  readyReplicas: 0,
  servingVersions: [],
};

/** Labels on the ModelServer and on every object made for it. */
export function modelLabels(spec: Pick<ModelSpec, 'name' | 'owner'>): Record<string, string> {
  return {
    [MODEL_LABELS.partOf]: 'turing',
    [MODEL_LABELS.component]: 'model-server',
    [MODEL_LABELS.model]: spec.name,
    ...ownerMetadata(spec.owner).labels,
  };
}

/** Annotations on the ModelServer and on every object made for it (the raw owner name). */
export function modelAnnotations(spec: Pick<ModelSpec, 'owner'>): Record<string, string> {
  return ownerMetadata(spec.owner).annotations;
}

/** JSON without `undefined` members, as the apiserver would store it. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The ModelServer to create or replace for `spec`; with `resourceVersion`
 * the replace is refused (409) if the object changed since.
 */
export function modelServerObject(spec: ModelSpec, resourceVersion?: string): ModelServer {
  const stored: ModelServerSpec = plain(spec);
  return {
    apiVersion: MODEL_SERVER_API_VERSION,
    kind: MODEL_SERVER_KIND,
    metadata: {
      name: modelObjectName(spec.name),
      labels: modelLabels(spec),
      annotations: modelAnnotations(spec),
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    spec: stored,
  };
}

function sourceOf(source: ModelServerSpec['versions'][number]['source']): ModelVersionSource {
  if (source.kind === 'job') return { kind: 'job', job: source.job ?? '', run: source.run ?? '' };
  return { kind: 'upload', by: source.by ?? '' };
}

/** The ModelSpec a stored spec holds (the CRD's CEL rules guarantee each source's fields). */
export function modelSpecOf(spec: ModelServerSpec): ModelSpec {
  const versions: ModelVersion[] = spec.versions.map((v) => ({ ...v, source: sourceOf(v.source) }));
  return { ...spec, disabled: spec.disabled ?? false, versions };
}

/** The runtime contract's record of a stored ModelServer. */
export function modelRecordOf(object: ModelServer): ModelRecord {
  const { status } = object;
  return {
    spec: modelSpecOf(object.spec),
    status: status
      ? {
          phase: status.phase,
          replicas: status.replicas,
          readyReplicas: status.readyReplicas,
          servingVersions: status.servingVersions,
          ...(status.message !== undefined ? { message: status.message } : {}),
          ...(status.updatedAt !== undefined ? { updatedAt: status.updatedAt } : {}),
        }
      : { ...INITIAL_STATUS },
    resourceVersion: object.metadata.resourceVersion ?? '',
    ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
    createdAt: object.metadata.creationTimestamp ?? '',
  };
}

/** A ModelServer as API JSON (client-node's types may hold Dates; the JSON round trip undoes that). */
export function asModelServer(object: KubernetesObject): ModelServer {
  return plain(object) as unknown as ModelServer;
}

/** The object to send for a ModelServer (the stores take client-node's object type). */
export function asKubernetesObject(object: ModelServer): KubernetesObject {
  return object as unknown as KubernetesObject;
}

/** The ModelServer as controlling owner, so deleting it garbage-collects what serves it. */
export function modelServerOwnerReference(object: ModelServer): V1OwnerReference {
  const { name, uid } = object.metadata;
  if (!name || !uid) throw new Error(`ModelServer ${name ?? '?'} has no name or uid (read it from the API)`);
  return {
    apiVersion: MODEL_SERVER_API_VERSION,
    kind: MODEL_SERVER_KIND,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The versions that get traffic: stable, then the canary if any. Empty before the first version. */
export function wantedVersions(spec: Pick<ModelSpec, 'traffic'>): number[] {
  const { traffic } = spec;
  if (!traffic) return [];
  return traffic.canary !== undefined ? [traffic.stable, traffic.canary] : [traffic.stable];
}
