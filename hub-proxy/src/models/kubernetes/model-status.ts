import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { ModelStatus } from '../model.js';
import type { ModelServer, ModelServerStatus } from '../model-server-schema.js';
import { wantedVersions } from './model-server-resource.js';
import { MODEL_LABELS, parseVersionsLabel } from './object-names.js';

/**
 * A ModelServer's status from what serves it: the Deployment's replica
 * counts and the versions of its Ready pods. Pure.
 */

/** What the controller saw while reconciling one ModelServer. */
export interface ObservedServing {
  deployment?: V1Deployment;
  /** The model's pods (labelled with its name). */
  pods: readonly V1Pod[];
  /** Why applying the serving objects failed, if it did. */
  error?: string;
  now: Date;
}

/** Container states that do not fix themselves. */
const STUCK_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/** True for a pod that is Running, Ready and not being deleted. */
export function isReadyPod(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Versions served by at least one Ready pod, ascending. */
export function servingVersionsOf(pods: readonly V1Pod[]): number[] {
  const versions = new Set<number>();
  for (const pod of pods) {
    if (!isReadyPod(pod)) continue;
    for (const v of parseVersionsLabel(pod.metadata?.labels?.[MODEL_LABELS.versions]) ?? []) versions.add(v);
  }
  return [...versions].sort((a, b) => a - b);
}

/** The first stuck container among the pods, as `pod/container: reason`. */
function stuckContainer(pods: readonly V1Pod[]): string | undefined {
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) {
        const detail = waiting.message ? `: ${waiting.message}` : '';
        return `pod ${pod.metadata?.name ?? '?'} container ${status.name}: ${waiting.reason}${detail}`;
      }
    }
  }
  return undefined;
}

function list(versions: readonly number[]): string {
  return versions.length > 0 ? versions.join(', ') : 'none';
}

type Phased = Pick<ModelStatus, 'phase' | 'message'>;

function phaseOf(server: ModelServer, observed: ObservedServing, serving: number[], ready: number): Phased {
  const { deployment } = observed;
  if (observed.error) return { phase: 'Failed', message: observed.error };
  if (server.spec.disabled) return { phase: 'Disabled', message: 'Disabled: scaled to zero' };
  const wanted = wantedVersions(server.spec);
  if (wanted.length === 0) return { phase: 'Pending', message: 'No version published yet' };
  if (!deployment) return { phase: 'Pending', message: 'Creating the Deployment' };
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  const stuck = stuckContainer(observed.pods);
  if (ready === 0) {
    if (progressing?.status === 'False')
      return { phase: 'Failed', message: progressing.message ?? 'Rollout failed' };
    if (stuck) return { phase: 'Failed', message: stuck };
    return { phase: 'Pending', message: `Starting version(s) ${list(wanted)}` };
  }
  const rolledOut =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.updatedReplicas ?? 0) >= desired &&
    (status.replicas ?? 0) <= desired &&
    wanted.every((v) => serving.includes(v));
  if (!rolledOut) {
    if (progressing?.status === 'False') {
      return {
        phase: 'Degraded',
        message: `${progressing.message ?? 'Rollout failed'}; serving ${list(serving)}`,
      };
    }
    return {
      phase: 'Pending',
      message: `Rolling out version(s) ${list(wanted)}; serving ${list(serving)}${stuck ? ` (${stuck})` : ''}`,
    };
  }
  if (ready < desired) {
    return {
      phase: 'Degraded',
      message: `${ready} of ${desired} replicas ready${stuck ? ` (${stuck})` : ''}`,
    };
  }
  return { phase: 'Ready', message: `Serving version(s) ${list(serving)}` };
}

/** The status `server` should have, given what was observed. `updatedAt` moves only when something else does. */
export function desiredModelStatus(server: ModelServer, observed: ObservedServing): ModelServerStatus {
  const serving = servingVersionsOf(observed.pods);
  const ready = observed.deployment?.status?.readyReplicas ?? 0;
  const { phase, message } = phaseOf(server, observed, serving, ready);
  const next: ModelServerStatus = {
    phase,
    replicas: observed.deployment?.status?.replicas ?? 0,
    readyReplicas: ready,
    servingVersions: serving,
    ...(message ? { message } : {}),
    ...(server.metadata.generation !== undefined ? { observedGeneration: server.metadata.generation } : {}),
  };
  const current = server.status;
  next.updatedAt =
    current?.updatedAt && sameStatus(current, next) ? current.updatedAt : observed.now.toISOString();
  return next;
}

function comparable(status: ModelServerStatus): string {
  return JSON.stringify([
    status.phase,
    status.replicas,
    status.readyReplicas,
    status.servingVersions,
    status.message ?? null,
    status.observedGeneration ?? null,
  ]);
}

function sameStatus(a: ModelServerStatus, b: ModelServerStatus): boolean {
  return comparable(a) === comparable(b);
}

/** The merge patch (`{status}`) that turns `current` into `desired`, or undefined when they agree. */
export function modelStatusPatch(
  current: ModelServerStatus | undefined,
  desired: ModelServerStatus,
): { status: Record<string, unknown> } | undefined {
  if (current && sameStatus(current, desired) && current.updatedAt === desired.updatedAt) return undefined;
  return { status: { ...desired, message: desired.message ?? null } };
}
