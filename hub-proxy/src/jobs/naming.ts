import { createHash, randomBytes } from 'node:crypto';
import { validateArtifactKey } from '../artifacts/index.js';
import { ownerLabelValue } from '../ownership/ownership.js';

/**
 * Names of jobs, runs and artifacts. Two users may both own "daily-ctr", so
 * the NotebookJob object name carries a hash of the owner: 65 bits, because
 * a shorter one lets a user pick a name that collides with someone else's
 * (24 bits fall in minutes) and so reach their object. Lengths are budgeted
 * so every derived name fits Kubernetes: job name <= 38, object name
 * (= CronJob name, whose limit is 52) <= 52, CronJob-made Jobs
 * (`-<minutes>`, at most 11 more) <= 63, run ids <= 63 (Job names are pod
 * label values).
 */

/** A user-facing job name: lowercase DNS label, at most 38 characters. */
export const JOB_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,36}[a-z0-9])?$/;
export const JOB_NAME_MAX = 38;

/** Characters of the owner hash in object names: 13 base32 characters are 65 bits. */
const OWNER_HASH_LENGTH = 13;

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
  /** Why hub-proxy ended a run that could never start (e.g. its home volume claim is missing). */
  failure: 'turing.dev/failure',
  /** ISO creation time in milliseconds: creationTimestamp has whole seconds, too coarse to order runs. */
  createdAt: 'turing.dev/created-at',
  /** JSON {model, version} or {model, error}: what the run published. */
  modelOutput: 'turing.dev/model-output',
} as const;

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The first 65 bits of sha256(`owner`) in base32hex (`0-9a-v`), a valid name and label suffix. */
function ownerHash(owner: string): string {
  const first9Bytes = createHash('sha256').update(owner, 'utf8').digest().subarray(0, 9);
  const bits65 = BigInt(`0x${first9Bytes.toString('hex')}`) >> 7n;
  return bits65.toString(32).padStart(OWNER_HASH_LENGTH, '0');
}

/**
 * NotebookJob object name for `owner`'s job `jobName`:
 * `<jobName>-<13 base32hex characters of sha256(owner)>`.
 */
export function jobObjectName(owner: string, jobName: string): string {
  return `${jobName}-${ownerHash(owner)}`;
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

/** The folder of a run's artifacts that holds its model output files. */
export const MODEL_OUTPUT_FOLDER = 'model-output';

function modelOutputPrefix(owner: string, objectName: string, runId: string): string {
  return `users/${ownerLabelValue(owner)}/jobs/${objectName}/runs/${runId}/${MODEL_OUTPUT_FOLDER}/`;
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
  /** The files a run uploaded as its model output. */
  modelOutputPrefix: modelOutputPrefix,
  /**
   * One model output file, `path` relative to the output root. Checked as a
   * whole key, so a path with `..`, empty segments or over-long names is refused.
   */
  modelOutputFile: (owner: string, objectName: string, runId: string, path: string) =>
    validateArtifactKey(`${modelOutputPrefix(owner, objectName, runId)}${path}`),
};

/** Files a run may upload. */
export const RUN_ARTIFACT_NAMES = ['output.ipynb', 'output.html', 'log.txt'] as const;
export type RunArtifactName = (typeof RUN_ARTIFACT_NAMES)[number];
