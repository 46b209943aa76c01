import { createHash, randomBytes } from 'node:crypto';
import { ownerLabelValue } from '../ownership/ownership.js';

/**
 * Names of jobs, runs and artifacts. Two users may both own "daily-ctr", so
 * the NotebookJob object name carries a short hash of the owner. Lengths are
 * budgeted so every derived name fits Kubernetes' 63-character label values:
 * job name <= 40, object name <= 47, CronJob-made Jobs <= 58, run ids <= 57.
 */

/** A user-facing job name: lowercase DNS label, at most 40 characters. */
export const JOB_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
export const JOB_NAME_MAX = 40;

/** Label keys of the jobs feature. */
export const JOB_LABELS = {
  /** NotebookJob object name, on CronJobs, Jobs and pods. */
  job: 'turing.dev/notebookjob',
  /** The user-facing job name. */
  jobName: 'turing.dev/job-name',
  /** schedule | manual | dependency */
  trigger: 'turing.dev/trigger',
} as const;

/** Annotation keys of the jobs feature. */
export const JOB_ANNOTATIONS = {
  /** Upstream run id of a dependency run. */
  triggeredBy: 'turing.dev/triggered-by',
  /** JSON parameter overrides of a run. */
  parameters: 'turing.dev/parameters',
  /** JSON {cell, cells}. */
  progress: 'turing.dev/progress',
  /** Comma-separated RunMarkers already done. */
  markers: 'turing.dev/markers',
  /** Set when a user cancelled the run. */
  cancelled: 'turing.dev/cancelled',
  /** ISO creation time in milliseconds: creationTimestamp has whole seconds, too coarse to order runs. */
  createdAt: 'turing.dev/created-at',
} as const;

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** NotebookJob object name for `owner`'s job `jobName`: `<jobName>-<6 hex of owner>`. */
export function jobObjectName(owner: string, jobName: string): string {
  return `${jobName}-${shortHash(owner, 6)}`;
}

/** A fresh run id for a manual run: `<object>-m<8 base36>`. */
export function manualRunId(objectName: string): string {
  const n = randomBytes(6).readUIntBE(0, 6);
  return `${objectName}-m${n.toString(36).padStart(8, '0').slice(-8)}`;
}

/**
 * The one run id a dependency trigger may create for `upstreamRunId`, so
 * repeating the trigger (after a restart) finds the run instead of making a second.
 */
export function dependencyRunId(objectName: string, upstreamRunId: string): string {
  return `${objectName}-d${shortHash(upstreamRunId, 8)}`;
}

/** Artifact keys; every key of a user sits under their owner prefix. */
export const artifactKeys = {
  /** `users/<slug>/` */
  ownerPrefix: (owner: string) => `users/${ownerLabelValue(owner)}/`,
  /** All artifacts of one job (input snapshots and runs). */
  jobPrefix: (owner: string, objectName: string) => `users/${ownerLabelValue(owner)}/jobs/${objectName}/`,
  /** A stripped input snapshot, addressed by its digest. */
  input: (owner: string, objectName: string, digest: string) =>
    `users/${ownerLabelValue(owner)}/jobs/${objectName}/inputs/${digest}.ipynb`,
  /** All artifacts of one run. */
  runPrefix: (owner: string, objectName: string, runId: string) =>
    `users/${ownerLabelValue(owner)}/jobs/${objectName}/runs/${runId}/`,
  /** One run artifact: `output.ipynb`, `output.html` or `log.txt`. */
  runArtifact: (owner: string, objectName: string, runId: string, file: RunArtifactName) =>
    `users/${ownerLabelValue(owner)}/jobs/${objectName}/runs/${runId}/${file}`,
};

/** Files a run may upload. */
export const RUN_ARTIFACT_NAMES = ['output.ipynb', 'output.html', 'log.txt'] as const;
export type RunArtifactName = (typeof RUN_ARTIFACT_NAMES)[number];
