export { Controller, type ControllerOptions } from './controller.js';
export {
  ControllerManager,
  type ControllerManagerOptions,
  type ControllerManagerStatus,
} from './controller-manager.js';
export type { ManagedController } from './managed-controller.js';
export type { ReconcileResult, Reconciler } from './reconciler.js';
export {
  DEFAULT_RETRY_BACKOFF,
  WorkQueue,
  systemClock,
  type QueueClock,
  type WorkQueueOptions,
} from './work-queue.js';
