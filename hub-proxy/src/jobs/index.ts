/**
 * The jobs feature: notebooks promoted to scheduled, parameterised runs
 * (NotebookJob), with the run lifecycle, the runner API and two runtimes
 * (kubernetes/, local/). Other folders import this file only.
 */
export * from './schemas.js';
export { jobsFeature } from './feature.js';
export { jobsConfig, type JobsSettings } from './config.js';
export {
  MODEL_OUTPUTS,
  type ModelOutputPublisher,
  type ModelOutputRequest,
  type ModelOutputs,
  type ModelRollout,
} from './model-output.js';
export {
  ADMIN_JOB_STATES,
  adminJobsPageSchema,
  adminRunSchema,
  adminRunsPageSchema,
  type AdminJobState,
  type AdminRunView,
} from './admin-schemas.js';
