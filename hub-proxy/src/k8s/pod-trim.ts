import type { V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS } from '../ownership/labels.js';

/**
 * The trim of the pod caches (cluster.ts's owned pods, the environments'
 * cluster-wide pods): a pod as its readers see it, and nothing more. A full
 * pod is 5-15 kB of JSON (managedFields, env, volume mounts, container
 * statuses); what GPU accounting, the admin GPU usage page and the jobs'
 * missing-claim watcher read is a few hundred bytes:
 *
 * - metadata: name, namespace, uid, resourceVersion, labels (selectors and
 *   workload classification), deletionTimestamp, and only the annotations in
 *   {@link POD_ANNOTATIONS_KEPT};
 * - spec: nodeName, overhead, each container's and init container's
 *   resources (and restartPolicy, which marks a native sidecar), and the
 *   names of the PersistentVolumeClaims it mounts;
 * - status: phase, and the conditions without their timestamps.
 *
 * A finished pod (Succeeded or Failed) holds no resources and can no longer
 * wait for a claim, so every reader skips it: it is kept as a compact record,
 * metadata, node name and phase only, so lists and counts still see it.
 */

/**
 * Pod annotations readers use: Turing's owner name, and KubeSpawner's raw
 * user name on server pods (admin GPU usage, by user). Large ones such as
 * `kubectl.kubernetes.io/last-applied-configuration` are dropped.
 */
export const POD_ANNOTATIONS_KEPT: readonly string[] = [
  ...Object.values(ANNOTATIONS),
  'hub.jupyter.org/username',
];

type Container = NonNullable<V1Pod['spec']>['containers'][number];

function pick<T extends object, K extends keyof T>(from: T | undefined, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  if (!from) return out;
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

function trimContainer(container: Container): Container {
  return { name: container.name, ...pick(container, ['resources', 'restartPolicy']) };
}

function keptAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const kept = Object.fromEntries(
    POD_ANNOTATIONS_KEPT.flatMap((k) => (k in annotations ? [[k, annotations[k]]] : [])),
  );
  return Object.keys(kept).length > 0 ? (kept as Record<string, string>) : undefined;
}

/** True for a pod that has stopped for good: it holds no resources. */
export function isFinishedPod(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Trims `pod` in place to what the pod caches' readers use (see the module
 * comment) and returns it. Idempotent, as InformerCache's `trim` must be.
 */
export function trimPod(pod: V1Pod): V1Pod {
  const metadata = pod.metadata;
  if (metadata) {
    const annotations = keptAnnotations(metadata.annotations);
    pod.metadata = {
      ...pick(metadata, ['name', 'namespace', 'uid', 'resourceVersion', 'labels', 'deletionTimestamp']),
      ...(annotations ? { annotations } : {}),
    };
  }
  const phase = pod.status?.phase;
  if (isFinishedPod(pod)) {
    // The node it ran on stays (a few bytes): lists of finished pods still say where.
    const nodeName = pod.spec?.nodeName;
    if (nodeName) pod.spec = { nodeName, containers: [] };
    else delete pod.spec;
    pod.status = { phase };
    return pod;
  }
  const spec = pod.spec;
  if (spec) {
    const claims = (spec.volumes ?? []).flatMap((v) =>
      v.persistentVolumeClaim
        ? [{ name: v.name, persistentVolumeClaim: { claimName: v.persistentVolumeClaim.claimName } }]
        : [],
    );
    pod.spec = {
      ...pick(spec, ['nodeName', 'overhead']),
      containers: (spec.containers ?? []).map(trimContainer),
      ...(spec.initContainers ? { initContainers: spec.initContainers.map(trimContainer) } : {}),
      ...(claims.length > 0 ? { volumes: claims } : {}),
    };
  }
  if (pod.status) {
    const conditions = pod.status.conditions?.map((c) => pick(c, ['type', 'status', 'reason', 'message']));
    pod.status = { ...(phase ? { phase } : {}), ...(conditions ? { conditions } : {}) };
  }
  return pod;
}
