import type {
  CreateModelRequest,
  IModelsClient,
  ModelVersion,
  ModelView,
  PublishRollout,
  UpdateModelRequest,
  VersionFileSource,
  VersionUploadProgress,
} from '@turing/client';

import type { PublishStage } from './publish-errors';

/** What one press of Publish does. */
export interface PublishPlan {
  name: string;
  /** Creates the model first (a new name). */
  create?: CreateModelRequest;
  /** Changes an existing model's settings first. */
  update?: UpdateModelRequest;
  files: readonly VersionFileSource[];
  rollout: PublishRollout;
}

/** A published version and the model as it is afterwards. */
export interface PublishSuccess {
  ok: true;
  version: ModelVersion;
}

/** A refused step; `created` is set when the model was created before the step failed. */
export interface PublishRefusal {
  ok: false;
  stage: PublishStage;
  error: unknown;
  created?: ModelView;
}

/** Options of {@link publishVersion}. */
export interface PublishOptions {
  onProgress?: (progress: VersionUploadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Publishes a version: creates the model (or patches its settings), then
 * uploads the files as its next version with the rollout. Each step's
 * refusal says which step it was, so the dialog can place the error; a model
 * created before a failed upload is reported, so a retry does not create it
 * again.
 */
export async function publishVersion(
  models: Pick<IModelsClient, 'create' | 'update' | 'uploadVersion'>,
  plan: PublishPlan,
  options: PublishOptions = {},
): Promise<PublishSuccess | PublishRefusal> {
  let created: ModelView | undefined;
  if (plan.create) {
    try {
      created = await models.create(plan.create);
    } catch (error) {
      return { ok: false, stage: 'create', error };
    }
  } else if (plan.update) {
    try {
      await models.update(plan.name, plan.update);
    } catch (error) {
      return { ok: false, stage: 'update', error };
    }
  }
  try {
    const version = await models.uploadVersion(plan.name, plan.files, plan.rollout, options);
    return { ok: true, version };
  } catch (error) {
    return { ok: false, stage: 'upload', error, ...(created ? { created } : {}) };
  }
}
