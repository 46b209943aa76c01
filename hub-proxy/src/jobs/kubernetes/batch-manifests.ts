import type {
  V1EnvVar,
  V1Job,
  V1JobSpec,
  V1OwnerReference,
  V1PodSpec,
  V1Secret,
} from '@kubernetes/client-node';
import { gpuPodFields, type GpuPlacementSource } from '../../environments/index.js';
import type { HomeVolumeSettings } from '../owner-home.js';
import type { NotebookJob, RunTrigger } from '../model.js';
import { NOTEBOOK_JOB_API_VERSION, NOTEBOOK_JOB_KIND } from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { ANNOTATIONS, LABELS } from '../../ownership/labels.js';
import { homeMount, type HomeMount } from './home-volume.js';

/**
 * Pure translations of a NotebookJob into the objects that run it: the
 * runner Secret and the batch/v1 Job of one run (scheduled runs too).
 * Nothing here does I/O.
 */

/** Where the runner script is mounted in every runner pod. */
export const RUNNER_MOUNT_PATH = '/opt/turing/runner';
/** The ConfigMap holding the files of `runner/` (`turing_runner.py` and its modules), unless configured otherwise. */
export const DEFAULT_RUNNER_CONFIG_MAP = 'turing-runner';
/** Name of the runner container in every run pod. */
export const RUNNER_CONTAINER = 'runner';
/** Key of the job-scoped run token in the runner Secret. */
export const RUNNER_TOKEN_KEY = 'token';
/** Label the Job controller puts on a Job's pods; its value is the Job (= run) name. */
export const JOB_NAME_POD_LABEL = 'batch.kubernetes.io/job-name';
/**
 * The run pod's only writable place: an emptyDir that is HOME and TMPDIR,
 * so papermill's working directory (a tempfile dir), Jupyter's runtime files
 * and pip or matplotlib caches land there; the root filesystem is read-only.
 */
export const SCRATCH_MOUNT_PATH = '/tmp';
/** Ephemeral storage of a run pod unless configured (`jobs.runEphemeralStorage*`). */
export const DEFAULT_RUN_EPHEMERAL_STORAGE: RunEphemeralStorage = { request: '1Gi', limit: '10Gi' };

/** Ephemeral storage a run pod requests and may use at most (Kubernetes quantities). */
export interface RunEphemeralStorage {
  request: string;
  /** Also the scratch emptyDir's `sizeLimit`: the kubelet evicts a pod that writes more. */
  limit: string;
}

/**
 * What the manifests need besides the NotebookJob itself. GPU runs are placed
 * through {@link GpuPlacementSource}: hub-proxy passes the catalog GPU type's
 * node selector and tolerations, as for notebook servers and model servers.
 */
export interface RunnerPodOptions extends GpuPlacementSource {
  /** Base URL of hub-proxy's runner API, as pods reach it (TURING_RUNNER_API). */
  runnerApiUrl: string;
  /** ConfigMap with the runner script; default {@link DEFAULT_RUNNER_CONFIG_MAP}. */
  runnerConfigMap?: string;
  /** Default {@link DEFAULT_RUN_EPHEMERAL_STORAGE}. */
  ephemeralStorage?: RunEphemeralStorage;
  /** Mount the run owner's home volume (their kernels and conda environments); absent: no home. */
  homeVolume?: HomeVolumeSettings;
}

/** One run to start, as {@link runJobManifest} needs it. */
export interface RunJobFields {
  /** The run id; becomes the Job name. */
  id: string;
  trigger: RunTrigger;
  triggeredBy?: string;
  /** Overrides merged over the job's parameters by the runner API. */
  parameters?: Record<string, unknown>;
  /** ISO creation time (default now); stored with milliseconds to order runs. */
  createdAt?: string;
}

/** Name of the Secret holding a job's runner token: `<object>-runner`. */
export function runnerSecretName(objectName: string): string {
  return `${objectName}-runner`;
}

/** Name of the CronJob an earlier version made for a scheduled job (removed on upgrade): the NotebookJob object name. */
export function cronJobName(objectName: string): string {
  return objectName;
}

function objectName(job: NotebookJob): string {
  const name = job.metadata.name;
  if (!name) throw new Error('NotebookJob has no metadata.name');
  return name;
}

/** The NotebookJob as controlling owner, so deleting it garbage-collects what it made. */
export function notebookJobOwnerReference(job: NotebookJob): V1OwnerReference {
  const uid = job.metadata.uid;
  if (!uid)
    throw new Error(`NotebookJob ${job.metadata.name ?? '?'} has no uid (read it from the API first)`);
  return {
    apiVersion: NOTEBOOK_JOB_API_VERSION,
    kind: NOTEBOOK_JOB_KIND,
    name: objectName(job),
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Labels every object made for `job` carries: owner, object name, user-facing name. */
export function jobObjectLabels(job: NotebookJob): Record<string, string> {
  const owner = job.metadata.labels?.[LABELS.owner];
  return {
    ...(owner ? { [LABELS.owner]: owner } : {}),
    [JOB_LABELS.job]: objectName(job),
    [JOB_LABELS.jobName]: job.spec.jobName,
  };
}

function ownerAnnotations(job: NotebookJob): Record<string, string> {
  const ownerName = job.metadata.annotations?.[ANNOTATIONS.ownerName];
  return ownerName ? { [ANNOTATIONS.ownerName]: ownerName } : {};
}

/** The runner Secret: a job-scoped, rotated token (CronJob pods cannot know a per-run token in advance; see runner-secret.ts). */
export function runnerSecretManifest(
  job: NotebookJob,
  token: string,
): V1Secret & {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string };
} {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: runnerSecretName(objectName(job)),
      labels: jobObjectLabels(job),
      annotations: ownerAnnotations(job),
      ownerReferences: [notebookJobOwnerReference(job)],
    },
    type: 'Opaque',
    data: { [RUNNER_TOKEN_KEY]: Buffer.from(token, 'utf8').toString('base64') },
  };
}

function runnerEnv(job: NotebookJob, options: RunnerPodOptions, home: HomeMount | undefined): V1EnvVar[] {
  return [
    { name: 'TURING_RUNNER_API', value: options.runnerApiUrl },
    { name: 'HOME', value: SCRATCH_MOUNT_PATH },
    { name: 'TMPDIR', value: SCRATCH_MOUNT_PATH },
    ...(home ? home.env : []),
    {
      name: 'TURING_RUN_ID',
      valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_NAME_POD_LABEL}']` } },
    },
    {
      name: 'TURING_RUN_TOKEN',
      valueFrom: { secretKeyRef: { name: runnerSecretName(objectName(job)), key: RUNNER_TOKEN_KEY } },
    },
  ];
}

/**
 * The runner pod: restricted Pod Security profile, no API token, the runner
 * script from a ConfigMap, a read-only root filesystem with a size-limited
 * scratch emptyDir, and bounded ephemeral storage; on GPUs, the catalog GPU
 * type's placement; with `homeVolume`, the owner's home (home-volume.ts).
 */
function runnerPodSpec(job: NotebookJob, options: RunnerPodOptions): V1PodSpec {
  const { cpu, memory, gpus, gpuType } = job.spec.resources;
  const quantities: Record<string, string> = { cpu, memory };
  if (gpus > 0) quantities['nvidia.com/gpu'] = String(gpus);
  const storage = options.ephemeralStorage ?? DEFAULT_RUN_EPHEMERAL_STORAGE;
  const home = options.homeVolume ? homeMount(job, options.homeVolume) : undefined;
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 100,
      fsGroup: 100,
      // The kubelet would otherwise chown a writable home file by file at every run.
      ...(home && !home.mount.readOnly ? { fsGroupChangePolicy: 'OnRootMismatch' } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...gpuPodFields(options, gpus, gpuType),
    containers: [
      {
        name: RUNNER_CONTAINER,
        image: job.spec.image,
        command: ['python', `${RUNNER_MOUNT_PATH}/turing_runner.py`],
        env: runnerEnv(job, options, home),
        resources: {
          requests: { ...quantities, 'ephemeral-storage': storage.request },
          limits: { ...quantities, 'ephemeral-storage': storage.limit },
        },
        volumeMounts: [
          { name: 'runner', mountPath: RUNNER_MOUNT_PATH, readOnly: true },
          { name: 'scratch', mountPath: SCRATCH_MOUNT_PATH },
          ...(home ? [home.mount] : []),
        ],
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 100,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
    volumes: [
      { name: 'runner', configMap: { name: options.runnerConfigMap ?? DEFAULT_RUNNER_CONFIG_MAP } },
      { name: 'scratch', emptyDir: { sizeLimit: storage.limit } },
      ...(home ? [home.volume] : []),
    ],
  };
}

/**
 * The Job spec every run of `job` uses: retries are `backoffLimit`, the
 * timeout is `activeDeadlineSeconds` (all attempts together), and no
 * `ttlSecondsAfterFinished` (history retention is hub-proxy's). Pods carry
 * every label of the NotebookJob plus the job labels.
 */
export function runJobSpec(job: NotebookJob, trigger: RunTrigger, options: RunnerPodOptions): V1JobSpec {
  return {
    backoffLimit: job.spec.retries,
    activeDeadlineSeconds: job.spec.timeoutSeconds,
    template: {
      metadata: {
        labels: { ...job.metadata.labels, ...jobObjectLabels(job), [JOB_LABELS.trigger]: trigger },
        annotations: ownerAnnotations(job),
      },
      spec: runnerPodSpec(job, options),
    },
  };
}

/** The batch/v1 Job of one run-now or dependency run, owned by the NotebookJob. */
export function runJobManifest(
  job: NotebookJob,
  run: RunJobFields,
  options: RunnerPodOptions,
): V1Job & { apiVersion: 'batch/v1'; kind: 'Job'; metadata: { name: string } } {
  const annotations = ownerAnnotations(job);
  if (run.parameters && Object.keys(run.parameters).length > 0) {
    annotations[JOB_ANNOTATIONS.parameters] = JSON.stringify(run.parameters);
  }
  if (run.triggeredBy) annotations[JOB_ANNOTATIONS.triggeredBy] = run.triggeredBy;
  annotations[JOB_ANNOTATIONS.createdAt] = run.createdAt ?? new Date().toISOString();
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: run.id,
      labels: { ...jobObjectLabels(job), [JOB_LABELS.trigger]: run.trigger },
      annotations,
      ownerReferences: [notebookJobOwnerReference(job)],
    },
    spec: runJobSpec(job, run.trigger, options),
  };
}
