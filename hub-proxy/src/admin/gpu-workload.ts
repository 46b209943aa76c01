import type { GpuPod } from '../environments/index.js';
import { ANNOTATIONS, LABELS } from '../ownership/labels.js';

/** What a GPU-holding pod runs, for the admin GPU usage page. */
export type GpuWorkloadKind = 'server' | 'jobRun' | 'modelReplica' | 'other';

/** Every kind, in the order the page shows them. */
export const GPU_WORKLOAD_KINDS: readonly GpuWorkloadKind[] = ['server', 'jobRun', 'modelReplica', 'other'];

/**
 * The labels and annotations that tell workloads apart. The jobs and models
 * keys are spelled out here because features share only their index.ts;
 * `tests/integration/admin-gpu-usage.test.ts` builds its pods with the jobs
 * and models manifest functions, so a renamed label fails there.
 */
export const WORKLOAD_METADATA = {
  /** KubeSpawner's `component` label on single-user server pods. */
  spawnerComponent: 'component',
  spawnerComponentValue: 'singleuser-server',
  /** KubeSpawner: the raw user name (annotation) or its escaped form (label). */
  spawnerUser: 'hub.jupyter.org/username',
  /** jobs (`JOB_LABELS.job`): the NotebookJob object name, on every run pod. */
  jobRun: 'turing.dev/notebookjob',
  /** models (`MODEL_LABELS.model`): the model name, on every serving pod. */
  model: 'turing.dev/model',
  /** models (`MODEL_LABELS.component`) = `model-server`. */
  component: 'app.kubernetes.io/component',
  modelComponentValue: 'model-server',
} as const;

/** A pod with the metadata classification reads (a `V1Pod` fits). */
export interface WorkloadPod extends GpuPod {
  metadata?: GpuPod['metadata'] & {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** A pod's workload kind and, when its metadata names one, the hub user it belongs to. */
export interface GpuWorkload {
  kind: GpuWorkloadKind;
  user?: string;
}

/** The Turing owner: the raw-name annotation, else the owner label (the slug is the name for plain names). */
function turingOwner(
  labels: Record<string, string>,
  annotations: Record<string, string>,
): string | undefined {
  return annotations[ANNOTATIONS.ownerName] || labels[LABELS.owner] || undefined;
}

/**
 * Classifies a pod by the labels its creator puts on it: KubeSpawner's
 * server pods, Turing's run pods (Jobs of a NotebookJob) and model serving
 * pods; anything else is `other` (with the Turing owner, if it has one).
 */
export function classifyGpuWorkload(pod: WorkloadPod): GpuWorkload {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const m = WORKLOAD_METADATA;
  let kind: GpuWorkloadKind = 'other';
  let user: string | undefined;
  if (labels[m.spawnerComponent] === m.spawnerComponentValue) {
    kind = 'server';
    user = annotations[m.spawnerUser] || labels[m.spawnerUser] || undefined;
  } else if (labels[m.jobRun]) {
    kind = 'jobRun';
    user = turingOwner(labels, annotations);
  } else if (labels[m.model] && labels[m.component] === m.modelComponentValue) {
    kind = 'modelReplica';
    user = turingOwner(labels, annotations);
  } else {
    user = turingOwner(labels, annotations);
  }
  return user === undefined ? { kind } : { kind, user };
}
