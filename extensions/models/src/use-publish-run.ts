import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  IModelsClient,
  ModelVersion,
  ModelView,
  PublishRollout,
  VersionUploadProgress,
} from '@turing/client';
import type { FieldErrors, ShownError } from '@turing/ui';
import { toShownError } from '@turing/ui';
import { useRef, useState } from 'react';

import { isRefusedRequest, placeServerErrors } from './publish-errors';
import type { PublishPlan } from './publish-flow';
import { publishVersion } from './publish-flow';

/** The state of the Publish dialog's upload and what it can do. */
export interface PublishRun {
  busy: boolean;
  progress: VersionUploadProgress | null;
  /** The summary of a refusal (fields placed on the form are left out). */
  error: ShownError | null;
  /** Server errors per form field. */
  fields: FieldErrors;
  published: { version: ModelVersion; rollout: PublishRollout } | null;
  /**
   * Publishes what `makePlan` describes; `onCreated` learns of a model
   * created before a refused upload. Resolves `true` when refused.
   */
  start(makePlan: () => Promise<PublishPlan>, onCreated: (model: ModelView) => void): Promise<boolean>;
  /** Stops a running upload (it then ends as cancelled). */
  stop(): void;
  /** Forgets the last refusal. */
  reset(): void;
}

/** Runs publishes for the Publish dialog: progress, cancel, and refusals placed on the form. */
export function usePublishRun(models: IModelsClient, trans: TranslationBundle): PublishRun {
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<VersionUploadProgress | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [published, setPublished] = useState<PublishRun['published']>(null);
  const abort = useRef<AbortController | null>(null);

  const start: PublishRun['start'] = async (makePlan, onCreated) => {
    setBusy(true);
    const controller = new AbortController();
    abort.current = controller;
    try {
      const plan = await makePlan();
      const outcome = await publishVersion(models, plan, {
        onProgress: setProgress,
        signal: controller.signal,
      });
      if (outcome.ok) {
        setPublished({ version: outcome.version, rollout: plan.rollout });
        return false;
      }
      if (outcome.created) {
        // The model exists now: a retry adds its first version instead of creating it again.
        onCreated(outcome.created);
      }
      if (outcome.error instanceof Error && outcome.error.name === 'AbortError') {
        setError({ title: trans.__('Publishing was cancelled.'), fields: [] });
        return false;
      }
      const shown = toShownError(outcome.error);
      if (isRefusedRequest(outcome.error)) {
        const placed = placeServerErrors(outcome.stage, outcome.error);
        setFields(placed.fields);
        setError({ ...shown, fields: placed.unplaced });
      } else {
        setError(shown);
      }
      return true;
    } catch (e) {
      // Listing or reading the files failed before anything was sent.
      setError(toShownError(e));
      return true;
    } finally {
      abort.current = null;
      setBusy(false);
      setProgress(null);
    }
  };

  return {
    busy,
    progress,
    error,
    fields,
    published,
    start,
    stop: () => abort.current?.abort(),
    reset: () => {
      setError(null);
      setFields({});
    },
  };
}
