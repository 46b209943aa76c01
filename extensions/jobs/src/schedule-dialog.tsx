import type { TranslationBundle } from '@jupyterlab/translation';
import type { Environment, ITuringClient } from '@turing/client';
import { JOB_LIMITS } from '@turing/client';
import type { FieldErrors, FieldScope, ShownError } from '@turing/ui';
import { ErrorMessage, InlineErrors, ModalDialog, openModal, toShownError } from '@turing/ui';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { browserTimeZone } from './format';
import { parametersCellSource, parseParametersCell } from './parameters';
import { hasAdvancedErrors, hasAdvancedValues } from './schedule-advanced';
import type { ScheduleForm } from './schedule-form';
import { editJobForm, newJobForm, validateForm, withEnvironment } from './schedule-form';
import { AdvancedSection } from './schedule-form-advanced';
import { BasicsSection } from './schedule-form-basics';
import { ParametersSection } from './schedule-form-parameters';
import { PolicySection } from './schedule-form-policy';
import { WhenSection } from './schedule-form-when';
import type { ScheduleResult, ScheduleTarget } from './schedule-submit';
import { submitSchedule } from './schedule-submit';
import type { ScheduleSettings } from './settings';

/** Options of {@link openScheduleDialog}. */
export interface ScheduleDialogOptions {
  client: ITuringClient;
  target: ScheduleTarget;
  settings: ScheduleSettings;
  trans: TranslationBundle;
}

interface ViewProps extends ScheduleDialogOptions {
  idPrefix: string;
  onClose: (result: ScheduleResult | null) => void;
}

function initialState(target: ScheduleTarget, settings: ScheduleSettings) {
  if (target.kind === 'edit') {
    return { form: editJobForm(target.job, browserTimeZone()), hasCell: undefined };
  }
  const source = parametersCellSource(target.source.content);
  const cell = parseParametersCell(source ?? '');
  const form = newJobForm({
    path: target.source.path,
    parameters: cell.rows,
    timezone: browserTimeZone(),
    settings,
  });
  return { form, hasCell: source !== undefined };
}

/** Only parameter problems show while typing; the rest once the user tried to submit. */
function shownErrors(form: ScheduleForm, attempted: boolean, server: FieldErrors, trans: TranslationBundle) {
  const local = validateForm(form, trans, JOB_LIMITS);
  const merged: FieldErrors = {};
  for (const [field, messages] of Object.entries(local)) {
    if (attempted || field.startsWith('parameter:')) {
      merged[field] = [...messages];
    }
  }
  for (const [field, messages] of Object.entries(server)) {
    merged[field] = [...(merged[field] ?? []), ...messages];
  }
  return { merged, local };
}

/** The main button says what it does: run now, schedule, create (on demand) or save an edit. */
function submitLabel(form: ScheduleForm, editing: boolean, trans: TranslationBundle): string {
  if (editing) {
    return trans.__('Save');
  }
  switch (form.when) {
    case 'now':
      return trans.__('Run now');
    case 'schedule':
      return trans.__('Schedule');
    case 'manual':
      return trans.__('Create');
  }
}

/** The Schedule dialog's content: every section, the error summary and the buttons. */
function ScheduleDialogView(props: ViewProps): React.ReactElement {
  const { client, target, settings, trans, idPrefix, onClose } = props;
  const editing = target.kind === 'edit';
  const initial = useMemo(() => initialState(target, settings), [target, settings]);
  const [form, setForm] = useState<ScheduleForm>(initial.form);
  // The form before the user's edits (the default environment included): "dirty" compares with it.
  const [baseline, setBaseline] = useState<ScheduleForm>(initial.form);
  const [environments, setEnvironments] = useState<Environment[] | null>(null);
  const [jobNames, setJobNames] = useState<string[] | null>(null);
  const [loadError, setLoadError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const [serverError, setServerError] = useState<ShownError | null>(null);
  const [serverFields, setServerFields] = useState<FieldErrors>({});
  const [advancedOpen, setAdvancedOpen] = useState(() => hasAdvancedValues(initial.form, settings));
  const formRef = useRef<HTMLFormElement>(null);
  // Bumped after a refused submit: the first invalid field is then focused (and scrolled to).
  const [refusals, setRefusals] = useState(0);

  useEffect(() => {
    let live = true;
    // Sequential on purpose: the first GET may run the silent login; the second reuses its cookie.
    client.environments
      .list()
      .then(async ({ environments: list }) => {
        if (!live) {
          return;
        }
        setEnvironments(list);
        if (!editing) {
          const pick = (f: ScheduleForm) =>
            f.environment ? f : withEnvironment(f, list.find((e) => e.default) ?? list[0]);
          setForm(pick);
          setBaseline(pick);
        }
        // Dependencies are jobs of the same owner; an admin's plain list would hold everyone's.
        const owner = target.kind === 'edit' ? target.job.owner : (await client.me().catch(() => null))?.name;
        const jobs = await client.jobs.list(owner ? { user: owner } : {}).catch(() => ({ items: [] }));
        if (live) {
          setJobNames(jobs.items.map((j) => j.name));
        }
      })
      .catch((error: unknown) => live && (setLoadError(toShownError(error)), setEnvironments([])));
    return () => {
      live = false;
    };
  }, [client, editing]);

  useEffect(() => {
    if (refusals > 0) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  }, [refusals]);

  const { merged: errors, local } = shownErrors(form, attempted, serverFields, trans);
  const localCount = Object.keys(local).length;
  const scope: FieldScope = { idPrefix, testIdPrefix: 'schedule', errors };
  const section = { form, update: setForm, scope, disabled: busy, trans };
  const dirty = JSON.stringify(form) !== JSON.stringify(baseline);

  const refuse = (fields: FieldErrors): void => {
    // Open "Advanced" in the same render as the refusal, so its invalid field can take the focus.
    if (hasAdvancedErrors(fields)) {
      setAdvancedOpen(true);
    }
    setRefusals((n) => n + 1);
  };

  const submit = async (): Promise<void> => {
    setAttempted(true);
    if (busy) {
      return;
    }
    if (localCount > 0) {
      setServerError(null);
      setServerFields({});
      refuse(local);
      return;
    }
    setBusy(true);
    const answer = await submitSchedule(client, target, form, trans);
    setBusy(false);
    if (answer.ok) {
      onClose(answer.result);
    } else {
      setServerError(answer.failure.error);
      setServerFields(answer.failure.fields);
      refuse(answer.failure.fields);
    }
  };

  const title = editing ? trans.__('Edit job %1', form.name) : trans.__('Schedule notebook');
  return (
    <ModalDialog
      title={title}
      idPrefix={idPrefix}
      dirty={dirty}
      busy={busy}
      onClose={() => onClose(null)}
      className="jp-Turing-Jobs-dialogContent"
      testId="turing-schedule-dialog"
      trans={trans}
      footer={(requestClose) => (
        <>
          <button
            type="button"
            className="jp-Dialog-button jp-mod-reject jp-mod-styled"
            data-testid="schedule-cancel"
            disabled={busy}
            onClick={requestClose}
          >
            <div className="jp-Dialog-buttonLabel">{trans.__('Cancel')}</div>
          </button>
          <button
            type="button"
            className="jp-Dialog-button jp-mod-accept jp-mod-styled"
            data-testid="schedule-submit"
            aria-busy={busy}
            disabled={busy}
            onClick={() => void submit()}
          >
            <div className="jp-Dialog-buttonLabel">{submitLabel(form, editing, trans)}</div>
          </button>
        </>
      )}
    >
      <form
        ref={formRef}
        className="jp-Dialog-body jp-Turing-Dialog-form jp-Turing-Jobs-scheduleForm"
        noValidate
        aria-busy={busy}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="jp-Turing-Hint" data-testid="schedule-notebook">
          {target.kind === 'create'
            ? trans.__(
                'Notebook: %1 (its current content, without outputs, becomes the job input)',
                target.source.path,
              )
            : trans.__('Notebook: %1', target.job.notebook.path)}
        </div>
        {target.kind === 'create' && target.unsaved && (
          <div className="jp-Turing-Warning" data-testid="schedule-unsaved">
            {trans.__(
              'The notebook has unsaved changes: they are part of the input. Save it to keep the file in step.',
            )}
          </div>
        )}
        <InlineErrors scope={scope} field="notebook" />
        {loadError && <ErrorMessage error={loadError} trans={trans} testId="schedule-load-error" />}
        <BasicsSection {...section} environments={environments} editing={editing} />
        <ParametersSection {...section} hasParametersCell={initial.hasCell} />
        <WhenSection {...section} client={client} editing={editing} />
        <PolicySection {...section} />
        <AdvancedSection {...section} jobNames={jobNames} open={advancedOpen} onToggle={setAdvancedOpen} />
        {/* A hidden submit button lets Enter in a text field submit the form. */}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
      <div className="jp-Turing-Dialog-errors" aria-live="polite">
        {attempted && localCount > 0 && !serverError && (
          <ErrorMessage
            error={{ title: trans.__('Fix the marked fields, then try again.'), fields: [] }}
            trans={trans}
            testId="schedule-error"
          />
        )}
        {serverError && <ErrorMessage error={serverError} trans={trans} testId="schedule-error" />}
      </div>
    </ModalDialog>
  );
}

let dialogCount = 0;

/**
 * Opens the Schedule dialog (create a job from a notebook, or edit one) and
 * resolves with what was saved, or `null` if the user cancelled (an edited
 * form asks before its changes are discarded). Errors of the request are
 * shown inside the dialog, which then stays open.
 */
export function openScheduleDialog(options: ScheduleDialogOptions): Promise<ScheduleResult | null> {
  const idPrefix = `jp-Turing-Jobs-dialog-${++dialogCount}`;
  return openModal<ScheduleResult>((close) => (
    <ScheduleDialogView {...options} idPrefix={idPrefix} onClose={close} />
  ));
}
