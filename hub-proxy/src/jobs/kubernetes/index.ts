export {
  DEFAULT_RUNNER_CONFIG_MAP,
  DEFAULT_RUN_EPHEMERAL_STORAGE,
  JOB_NAME_POD_LABEL,
  SCRATCH_MOUNT_PATH,
  RUNNER_CONTAINER,
  RUNNER_MOUNT_PATH,
  RUNNER_TOKEN_KEY,
  cronJobName,
  jobObjectLabels,
  notebookJobOwnerReference,
  runJobManifest,
  runJobSpec,
  runnerSecretManifest,
  runnerSecretName,
  type RunEphemeralStorage,
  type RunJobFields,
  type RunnerPodOptions,
} from './batch-manifests.js';
export { HOME_VOLUME_NAME, homeClaimName, homeMount, missingClaimOf, type HomeMount } from './home-volume.js';
export { MissingClaimWatcher, type MissingClaimWatcherOptions } from './missing-claim-watcher.js';
export { recordRunLogUpstream } from './pod-log-metrics.js';
export { recordScheduledRunStarted } from './schedule-metrics.js';
export { ScheduleBook, type BookedSchedule } from './schedule-book.js';
export { ScheduleFirer, type ScheduleFirerOptions } from './schedule-firer.js';
export {
  RunPodLogs,
  type OpenPodLog,
  type RunPodLogsOptions,
  type RunPodSource,
} from './pod-log-follower.js';
export {
  SharedLogFollower,
  SlowLogViewerError,
  type LogUpstream,
  type SharedLogFollowerOptions,
} from './shared-log-follower.js';
export {
  formatMarkers,
  isRunJob,
  newestFirst,
  parseMarkers,
  runRecordFromJob,
  runStateOf,
} from './job-run-record.js';
export {
  NOTEBOOK_JOB_RESOURCE,
  asKubernetesObject,
  asNotebookJob,
  jobsKubeApi,
  type JobsKubeApi,
} from './jobs-kube-api.js';
export { KubernetesJobRuntime, type KubernetesJobRuntimeOptions } from './kubernetes-job-runtime.js';
export { LabelIndex } from './label-index.js';
export { trimCronJob, trimNotebookJob, trimRunJob } from './cache-trim.js';
export {
  NotebookJobController,
  type JobsCaches,
  type NotebookJobControllerOptions,
} from './notebook-job-controller.js';
export {
  READY_CONDITION,
  desiredStatus,
  statusMergePatch,
  type ObservedState,
} from './notebook-job-status.js';
export {
  RUNNER_TOKEN_GRACE_SECONDS,
  RUNNER_TOKEN_RENEW_SECONDS,
  ensureRunnerSecret,
  runnerTokenTtlSeconds,
  type EnsureRunnerSecretOptions,
  type RunnerSecretState,
} from './runner-secret.js';
