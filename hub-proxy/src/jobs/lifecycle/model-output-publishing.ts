import type { ArtifactStore } from '../../artifacts/index.js';
import { DomainError, InvalidInput } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import type { JobRuntime, ModelOutputOutcome, ModelOutputSpec, NotebookJob, RunRecord } from '../model.js';
import type { ModelOutputPublisher, ModelOutputRequest, ModelRollout } from '../model-output.js';
import { artifactKeys } from '../naming.js';

/** Options of {@link ModelOutputPublishing}. */
export interface ModelOutputPublishingOptions {
  runtime: JobRuntime;
  artifacts: ArtifactStore;
  /** The publisher the models feature set, read at each publish; undefined while models are off. */
  publisher: () => ModelOutputPublisher | undefined;
  logger: Logger;
  /** Attempts at a transiently failing publish within one delivery, and the first wait (doubled); 3 and 1 s. */
  retry?: { attempts?: number; backoffMs?: number };
}

/** Shown on a run when no models feature runs to take its output. */
export const MODELS_DISABLED =
  'Models are not enabled on this Turing installation, so the model output was not published.';

/** Shown (until a later delivery succeeds) when publishing failed for a reason the caller cannot act on. */
export const PUBLISH_FAILED_TRANSIENTLY =
  'Publishing the model output failed; it is tried again when hub-proxy next handles this run.';

/** Longest error kept on a run. */
const MAX_ERROR_CHARS = 1000;

/**
 * The run lifecycle step that turns a succeeded run's model output into the
 * next version of its job's model, once per run:
 *
 * - Only a `succeeded` run of a job with a `modelOutput` publishes; failed,
 *   timed-out and cancelled runs never do.
 * - The publisher is idempotent per run id, so the step publishes *first* and
 *   claims the `model-output` marker *after* recording the outcome: a crash or
 *   a second delivery in between publishes again and gets the same version,
 *   while a claim-first order could lose the version for good.
 * - A refusal the publisher explains (a domain error: not a model, no such
 *   model, too large, ...) is recorded on the run and is final. Anything else
 *   (the store or the cluster failing) is retried a few times at once; if it
 *   still fails it is recorded too, then rethrown, so the lifecycle retries
 *   the step at the next delivery (a resync, or the local runtime's next
 *   start) and a success replaces the error.
 * - A publish error never changes the run's state: the notebook succeeded.
 */
export class ModelOutputPublishing {
  constructor(private readonly options: ModelOutputPublishingOptions) {}

  /** Publishes `run`'s output if it is due; records the outcome on the run. */
  async handle(run: RunRecord, job: NotebookJob): Promise<void> {
    const spec = job.spec.modelOutput;
    if (run.state !== 'succeeded' || !spec || run.markers.includes('model-output')) return;
    const { runtime, logger } = this.options;
    let outcome: ModelOutputOutcome;
    let transient: unknown;
    try {
      outcome = await this.publishWithRetries(run, spec);
    } catch (err) {
      if (isFinal(err)) {
        outcome = { model: spec.model, error: clip((err as Error).message) };
      } else {
        outcome = { model: spec.model, error: PUBLISH_FAILED_TRANSIENTLY };
        transient = err;
      }
    }
    await runtime.recordModelOutput(run.id, outcome);
    if (transient !== undefined) throw transient;
    await runtime.claimMarker(run.id, 'model-output');
    if ('version' in outcome) {
      logger.info({ run: run.id, model: outcome.model, version: outcome.version }, 'model output published');
    } else {
      logger.warn({ run: run.id, model: outcome.model, error: outcome.error }, 'model output not published');
    }
  }

  /** {@link publish}, again after a pause while it fails transiently (the publisher is idempotent). */
  private async publishWithRetries(run: RunRecord, spec: ModelOutputSpec): Promise<ModelOutputOutcome> {
    const attempts = this.options.retry?.attempts ?? 3;
    let wait = this.options.retry?.backoffMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.publish(run, spec);
      } catch (err) {
        if (isFinal(err) || attempt >= attempts) throw err;
        this.options.logger.warn(
          { err, run: run.id, attempt },
          'publishing the model output failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait *= 2;
      }
    }
  }

  private async publish(run: RunRecord, spec: ModelOutputSpec): Promise<ModelOutputOutcome> {
    const publisher = this.options.publisher();
    if (!publisher) return { model: spec.model, error: MODELS_DISABLED };
    const prefix = artifactKeys.modelOutputPrefix(run.owner, run.jobObjectName, run.id);
    const stored = await this.options.artifacts.list(prefix);
    if (stored.length === 0) {
      // The runner fails a run whose path is missing; this is a run that skipped the upload.
      return { model: spec.model, error: `The run uploaded no files from '${spec.path}'.` };
    }
    const request: ModelOutputRequest = {
      owner: run.owner,
      job: run.job,
      runId: run.id,
      model: spec.model,
      rollout: rolloutOf(spec),
      files: stored.map((info) => ({
        path: info.key.slice(prefix.length),
        key: info.key,
        sizeBytes: info.sizeBytes,
      })),
    };
    const { version } = await publisher.publish(request);
    return { model: spec.model, version };
  }
}

/**
 * The stored rollout as the publisher's union. The CRD keeps it flat with a
 * CEL rule; the local runtime's files have no such check, so a canary
 * without its percent is refused here rather than guessed.
 */
export function rolloutOf(spec: Pick<ModelOutputSpec, 'rollout'>): ModelRollout {
  const { kind, percent } = spec.rollout;
  if (kind === 'replace') return { kind: 'replace' };
  if (percent === undefined || !Number.isInteger(percent) || percent < 1 || percent > 99) {
    throw new InvalidInput(
      [{ field: 'modelOutput.rollout.percent', message: 'must be a whole number from 1 to 99' }],
      "The job's canary rollout has no valid percent (1-99); edit the job's model output.",
    );
  }
  return { kind: 'canary', percent };
}

/** A refusal the publisher explained: recorded as it is and never retried. */
function isFinal(err: unknown): boolean {
  return err instanceof DomainError && err.kind !== 'unavailable';
}

function clip(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}
