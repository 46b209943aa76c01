export { LocalDefinitionStore, type DefinitionListOptions } from './local-definition-store.js';
export { LocalJobRuntime, type LocalJobRuntimeOptions } from './local-job-runtime.js';
export { LocalRunStore, isValidRunId } from './local-run-store.js';
export { LocalScheduler } from './local-scheduler.js';
export { ProcessRunner, type ProcessRunnerOptions, type RunOutcome } from './process-runner.js';
export {
  LocalRuntimeSingleUserGate,
  UNSAFE_MULTIUSER_ENV,
  singleUserRoutes,
  type SingleUserGateOptions,
} from './single-user-gate.js';
