import type { Contents, ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelVersion, ModelView, ServingRuntime } from '@turing/client';
import { formatByteSize } from '@turing/client';
import type { FieldErrors, FieldScope, ShownError } from '@turing/ui';
import { ErrorMessage, InlineErrors, ModalDialog, openModal, toShownError } from '@turing/ui';
import React, { useEffect, useRef, useState } from 'react';

import type { Detection, SourceListing } from './model-format';
import { describeFormatProblem, detectModelFormat, formatLabel } from './model-format';
import { modelNameFromPath } from './model-name';
import { AccessSection, ModelSection, RolloutSection, ScaleSection } from './publish-fields';
import type { PublishPlan } from './publish-flow';
import type { PublishForm } from './publish-form';
import {
  createModelRequest,
  newPublishForm,
  rolloutOf,
  runtimeKey,
  runtimesFor,
  updateModelPatch,
  validatePublishForm,
  withModelSettings,
  withRuntime,
} from './publish-form';
import { publishButtonLabel } from './publish-label';
import { PublishResult, UploadProgress } from './publish-status';
import type { PublishSettings } from './settings';
import { fileSources, listSource } from './source-files';
import { usePublishRun } from './use-publish-run';

/** Options of {@link openPublishDialog}. */
export interface PublishDialogOptions {
  models: IModelsClient;
  /** The user's Jupyter server: where the files are listed and read. */
  contents: Contents.IManager;
  serverSettings: ServerConnection.ISettings;
  /** The model file or SavedModel folder, as a contents path. */
  path: string;
  settings: PublishSettings;
  trans: TranslationBundle;
}

/** What the dialog published; `show` when the user asked to see it in the Models panel. */
export interface PublishDialogResult {
  name: string;
  version: ModelVersion;
  show: boolean;
}

interface ViewProps extends PublishDialogOptions {
  idPrefix: string;
  onClose: (result: PublishDialogResult | null) => void;
}

type SourceState =
  | { status: 'loading' }
  | { status: 'failed'; error: ShownError }
  | { status: 'read'; listing: SourceListing; detection: Detection };

/** Only the name's rules show while typing; the rest once the user tried to publish. */
function shownErrors(local: FieldErrors, attempted: boolean, server: FieldErrors): FieldErrors {
  const merged: FieldErrors = {};
  for (const [field, messages] of Object.entries(local)) {
    if (attempted || field === 'name') {
      merged[field] = [...messages];
    }
  }
  for (const [field, messages] of Object.entries(server)) {
    merged[field] = [...(merged[field] ?? []), ...messages];
  }
  return merged;
}

/** The Publish dialog's content: source, form sections, progress, result and buttons. */
function PublishDialogView(props: ViewProps): React.ReactElement {
  const { models, contents, serverSettings, path, settings, trans, idPrefix, onClose } = props;
  const [source, setSource] = useState<SourceState>({ status: 'loading' });
  const [catalog, setCatalog] = useState<ServingRuntime[] | null>(null);
  const [owned, setOwned] = useState<ModelView[] | null>(null);
  const [loadError, setLoadError] = useState<ShownError | null>(null);
  const [form, setForm] = useState<PublishForm>(() =>
    newPublishForm(modelNameFromPath(path), [], 'xgboost', settings),
  );
  const [prefilledFor, setPrefilledFor] = useState<string | null>(null);
  const [attempted, setAttempted] = useState(false);
  const [refusals, setRefusals] = useState(0);
  // Only the user's own changes count: preselected runtimes and loaded settings do not.
  const [edited, setEdited] = useState(false);
  const run = usePublishRun(models, trans);
  const { busy, progress, published, error: serverError, fields: serverFields } = run;
  const root = useRef<HTMLFormElement>(null);
  const edit = (change: (form: PublishForm) => PublishForm): void => {
    setEdited(true);
    setForm(change);
  };

  const detection = source.status === 'read' ? source.detection : undefined;
  const format = detection?.ok ? detection.format : undefined;
  const runtimes = catalog && format ? runtimesFor(catalog, format) : null;
  const existing = owned?.find((m) => m.name === form.name);

  useEffect(() => {
    let live = true;
    listSource(contents, path)
      .then(
        (listing) => live && setSource({ status: 'read', listing, detection: detectModelFormat(listing) }),
      )
      .catch((error: unknown) => live && setSource({ status: 'failed', error: toShownError(error) }));
    // Sequential on purpose: the first GET may run the silent login; the second reuses its cookie.
    models
      .runtimes()
      .then(async (list) => {
        if (!live) {
          return;
        }
        setCatalog(list.items);
        const mine = await models.list();
        if (live) {
          setOwned(mine.items);
        }
      })
      .catch((error: unknown) => live && setLoadError(toShownError(error)));
    return () => {
      live = false;
    };
  }, [models, contents, path]);

  // Once the format and catalog are known, preselect the default runtime.
  useEffect(() => {
    if (runtimes && !runtimes.some((r) => runtimeKey(r) === form.runtime)) {
      setForm((f) => withRuntime(f, runtimes.find((r) => r.default) ?? runtimes[0]));
    }
  }, [catalog, format]);

  // Naming an existing model loads its serving settings: publishing adds its next version.
  useEffect(() => {
    if (existing && existing.name !== prefilledFor) {
      setPrefilledFor(existing.name);
      setForm((f) => withModelSettings(f, existing));
    }
  }, [existing, prefilledFor]);

  useEffect(() => {
    root.current?.querySelector<HTMLElement>('[data-testid="publish-name"]')?.focus();
  }, [source.status]);

  useEffect(() => {
    if (refusals > 0) {
      root.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  }, [refusals]);

  const local = format
    ? validatePublishForm(form, { format, runtimes, ...(existing ? { existing } : {}) }, trans)
    : {};
  const errors = shownErrors(local, attempted, serverFields);
  const scope: FieldScope = { idPrefix, testIdPrefix: 'publish', errors };
  const canPublish = !!detection?.ok && runtimes !== null && owned !== null && !published;
  // A source that cannot be published leaves only Close.
  const unusable = source.status === 'failed' || detection?.ok === false;

  const submit = async (): Promise<void> => {
    setAttempted(true);
    if (run.busy || !canPublish || !detection?.ok || source.status !== 'read') {
      return;
    }
    run.reset();
    const runtime = runtimes?.find((r) => runtimeKey(r) === form.runtime);
    if (Object.keys(local).length > 0 || !runtime) {
      setRefusals((n) => n + 1);
      return;
    }
    const makePlan = async (): Promise<PublishPlan> => {
      const files = await fileSources(serverSettings, contents, path, source.listing, detection.files);
      const plan: PublishPlan = { name: form.name, files, rollout: rolloutOf(form, existing) };
      const patch = existing ? updateModelPatch(form, existing, runtime) : null;
      if (patch) {
        plan.update = patch;
      } else if (!existing) {
        plan.create = createModelRequest(form, runtime);
      }
      return plan;
    };
    const refused = await run.start(makePlan, (created) => {
      setOwned((list) => [...(list ?? []), created]);
      setPrefilledFor(created.name);
    });
    if (refused) {
      setRefusals((n) => n + 1);
    }
  };

  const finish = (show = false): void => {
    onClose(published ? { name: form.name, version: published.version, show } : null);
  };

  const sourceLine = (): string => {
    if (!detection?.ok) {
      return trans.__('Source: %1', path);
    }
    const total = detection.files.reduce((sum, f) => sum + Math.max(0, f.sizeBytes), 0);
    return trans.__(
      'Source: %1 (%2, %3, %4)',
      path,
      formatLabel(detection.format, trans),
      trans._n('%1 file', '%1 files', detection.files.length),
      formatByteSize(total),
    );
  };

  const footer = (requestClose: () => void): React.ReactNode =>
    published ? (
      <>
        <button
          type="button"
          className="jp-Dialog-button jp-mod-reject jp-mod-styled"
          data-testid="publish-close"
          onClick={() => finish(false)}
        >
          <div className="jp-Dialog-buttonLabel">{trans.__('Close')}</div>
        </button>
        <button
          type="button"
          className="jp-Dialog-button jp-mod-accept jp-mod-styled"
          data-testid="publish-show"
          onClick={() => finish(true)}
        >
          <div className="jp-Dialog-buttonLabel">{trans.__('Show in Models')}</div>
        </button>
      </>
    ) : (
      <>
        <button
          type="button"
          className="jp-Dialog-button jp-mod-reject jp-mod-styled"
          data-testid="publish-cancel"
          onClick={() => (busy ? run.stop() : requestClose())}
        >
          <div className="jp-Dialog-buttonLabel">
            {busy ? trans.__('Stop upload') : unusable ? trans.__('Close') : trans.__('Cancel')}
          </div>
        </button>
        {!unusable && (
          <button
            type="button"
            className="jp-Dialog-button jp-mod-accept jp-mod-styled"
            data-testid="publish-submit"
            aria-busy={busy}
            disabled={busy || !canPublish}
            onClick={() => void submit()}
          >
            <div className="jp-Dialog-buttonLabel">
              {busy ? trans.__('Publishing…') : publishButtonLabel(form, existing, trans)}
            </div>
          </button>
        )}
      </>
    );

  return (
    <ModalDialog
      title={trans.__('Publish model')}
      idPrefix={idPrefix}
      dirty={edited && !published}
      busy={busy}
      onClose={() => finish(false)}
      footer={footer}
      className="jp-Turing-Models-dialogContent"
      testId="publish-dialog"
      trans={trans}
    >
      <form
        ref={root}
        className="jp-Dialog-body jp-Turing-Dialog-form"
        noValidate
        aria-busy={busy}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="jp-Turing-Hint" data-testid="publish-source" data-format={format ?? ''}>
          {sourceLine()}
        </div>
        {source.status === 'loading' && (
          <div className="jp-Turing-Hint">{trans.__('Reading the files…')}</div>
        )}
        {source.status === 'failed' && (
          <ErrorMessage error={source.error} trans={trans} testId="publish-source-error" />
        )}
        {detection && !detection.ok && (
          <ErrorMessage
            error={{
              title: trans.__('Not a model'),
              detail: describeFormatProblem(detection.problem, trans),
              fields: [],
            }}
            trans={trans}
            testId="publish-source-error"
          />
        )}
        <InlineErrors scope={scope} field="source" />
        {loadError && <ErrorMessage error={loadError} trans={trans} testId="publish-load-error" />}
        {published && (
          <PublishResult
            name={form.name}
            version={published.version}
            rollout={published.rollout}
            trans={trans}
          />
        )}
        {detection?.ok && !published && (
          <>
            <ModelSection
              {...{ form, update: edit, scope, disabled: busy, trans }}
              runtimes={runtimes}
              existing={existing}
            />
            <ScaleSection
              {...{ form, update: edit, scope, disabled: busy, trans }}
              gpuRuntime={!!runtimes?.find((r) => runtimeKey(r) === form.runtime)?.gpu}
            />
            <AccessSection {...{ form, update: edit, scope, disabled: busy, trans }} />
            {existing?.traffic && (
              <RolloutSection {...{ form, update: edit, scope, disabled: busy, trans }} existing={existing} />
            )}
          </>
        )}
        {progress && <UploadProgress progress={progress} trans={trans} />}
        {/* A hidden submit button lets Enter in a text field submit the form. */}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
      <div className="jp-Turing-Dialog-errors" aria-live="polite">
        {attempted && Object.keys(local).length > 0 && !serverError && (
          <ErrorMessage
            error={{ title: trans.__('Fix the marked fields, then try again.'), fields: [] }}
            trans={trans}
            testId="publish-error"
          />
        )}
        {serverError && <ErrorMessage error={serverError} trans={trans} testId="publish-error" />}
      </div>
    </ModalDialog>
  );
}

let dialogCount = 0;

/**
 * Opens the Publish dialog on a model file or SavedModel folder and resolves
 * with the published version, or `null` if nothing was published. Errors are
 * shown inside the dialog, which then stays open.
 */
export function openPublishDialog(options: PublishDialogOptions): Promise<PublishDialogResult | null> {
  const idPrefix = `jp-Turing-Models-dialog-${++dialogCount}`;
  return openModal<PublishDialogResult>((close) => (
    <PublishDialogView {...options} idPrefix={idPrefix} onClose={close} />
  ));
}
