import { ServiceKey } from '../feature.js';

/**
 * The contract between the jobs feature and the models feature for
 * scheduled retraining: a job may declare a model output, and when one of its
 * runs succeeds the jobs feature hands the files the run wrote to whoever
 * publishes models. The jobs feature provides {@link MODEL_OUTPUTS}; the
 * models feature (created after it) sets the publisher. Without one (models
 * disabled), runs record that nothing was published.
 */

/** A rollout of a version a run produced. */
export type ModelRollout = { kind: 'replace' } | { kind: 'canary'; percent: number };

/** What a successful run hands over. Files are already in the artifact store. */
export interface ModelOutputRequest {
  /** Raw hub user name of the job's owner. */
  owner: string;
  /** User-facing job name. */
  job: string;
  runId: string;
  model: string;
  rollout: ModelRollout;
  /** Path relative to the output root (a single file keeps its base name), its artifact key and size. */
  files: { path: string; key: string; sizeBytes: number }[];
}

/** Publishes what runs produced as model versions. */
export interface ModelOutputPublisher {
  /**
   * Publishes the next version; idempotent per runId (a second call returns
   * the same version). Throws a typed error the run should record (e.g. not a model).
   */
  publish(request: ModelOutputRequest): Promise<{ version: number }>;
}

/** Where the models feature plugs its publisher in. */
export interface ModelOutputs {
  setPublisher(publisher: ModelOutputPublisher): void;
}

/** The jobs feature's {@link ModelOutputs}, provided in its `create`. */
export const MODEL_OUTPUTS = new ServiceKey<ModelOutputs>('jobs.modelOutputs');

/** Holds the publisher the models feature set, if any; the run lifecycle reads it at each publish. */
export class ModelOutputRegistry implements ModelOutputs {
  private current: ModelOutputPublisher | undefined;

  setPublisher(publisher: ModelOutputPublisher): void {
    this.current = publisher;
  }

  /** The publisher, or undefined while none is set. */
  get publisher(): ModelOutputPublisher | undefined {
    return this.current;
  }
}
