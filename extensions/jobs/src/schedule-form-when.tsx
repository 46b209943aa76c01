import type { ITuringClient } from '@turing/client';
import { JOB_LIMITS } from '@turing/client';
import { Field, errorProps } from '@turing/ui';
import React, { useMemo } from 'react';

import { describeCron } from './cron-description';
import { formatDateTime } from './format';
import { IntervalPicker } from './interval-picker';
import type { WhenMode } from './schedule-form';
import { withCron } from './schedule-form';
import type { SectionProps } from './schedule-form-section';
import { useSchedulePreview } from './use-schedule-preview';

/** Props of {@link WhenSection}. */
export interface WhenSectionProps extends SectionProps {
  client: ITuringClient;
  /** Editing an existing job: "Run now" is not offered (use Run now in the panel). */
  editing: boolean;
}

/** The IANA zones the browser knows, for the time zone suggestions. */
function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** Where "cron help" leads: the crontab(5) manual page. */
const CRON_HELP_URL = 'https://man7.org/linux/man-pages/man5/crontab.5.html';

/** Now or on a schedule: the interval picker, cron, time zone, description and the next 5 runs. */
export function WhenSection(props: WhenSectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans, client, editing } = props;
  const scheduled = form.when === 'schedule';
  const preview = useSchedulePreview(client, form.cron, form.timezone, scheduled);
  const zones = useMemo(knownTimeZones, []);
  const description = describeCron(form.cron) ?? preview.preview?.description;
  const modes: Array<[WhenMode, string]> = editing
    ? [
        ['manual', trans.__('On demand')],
        ['schedule', trans.__('On a schedule')],
      ]
    : [
        ['now', trans.__('Run now')],
        ['schedule', trans.__('On a schedule')],
        ['manual', trans.__('On demand')],
      ];
  // After a refused submit the same message already stands at the field.
  const atFields = [...(scope.errors.cron ?? []), ...(scope.errors.timezone ?? [])];
  const previewMessages = preview.messages.filter((m) => !atFields.includes(m));
  return (
    <fieldset className="jp-Turing-Section" data-testid="schedule-when">
      <legend>{trans.__('When to run')}</legend>
      <div className="jp-Turing-Choices" role="radiogroup" aria-label={trans.__('When to run')}>
        {modes.map(([mode, label]) => (
          <label key={mode} className="jp-Turing-Choice">
            <input
              type="radio"
              name={`${scope.idPrefix}-when`}
              value={mode}
              checked={form.when === mode}
              disabled={disabled}
              data-testid={`schedule-when-${mode}`}
              onChange={() => update((f) => ({ ...f, when: mode }))}
            />
            {label}
          </label>
        ))}
      </div>
      {form.when === 'manual' && (
        <div className="jp-Turing-Hint">
          {trans.__('The job runs when you start it, or after a job it depends on succeeds.')}
        </div>
      )}
      {scheduled && (
        <>
          <IntervalPicker {...props} />
          <div className="jp-Turing-Row jp-Turing-Jobs-row jp-Turing-Jobs-cronRow">
            <Field
              scope={scope}
              field="cron"
              label={trans.__('Cron expression')}
              hint={
                <a
                  href={CRON_HELP_URL}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="jp-Turing-Jobs-cronHelp"
                  data-testid="schedule-cron-help"
                >
                  {trans.__('Cron help (opens in a new tab)')}
                </a>
              }
            >
              {(id) => (
                <input
                  id={id}
                  className="jp-mod-styled jp-Turing-Jobs-mono"
                  data-testid="schedule-cron"
                  value={form.cron}
                  disabled={disabled}
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="0 2 * * *"
                  maxLength={JOB_LIMITS.cronMaxLength}
                  onChange={(e) => {
                    const cron = e.target.value;
                    update((f) => withCron(f, cron));
                  }}
                  {...errorProps(scope, 'cron')}
                />
              )}
            </Field>
            <Field scope={scope} field="timezone" label={trans.__('Time zone')}>
              {(id) => (
                <>
                  <input
                    id={id}
                    className="jp-mod-styled"
                    data-testid="schedule-timezone"
                    list={`${scope.idPrefix}-zones`}
                    maxLength={JOB_LIMITS.timezoneMaxLength}
                    value={form.timezone}
                    disabled={disabled}
                    spellCheck={false}
                    autoComplete="off"
                    onChange={(e) => update((f) => ({ ...f, timezone: e.target.value }))}
                    {...errorProps(scope, 'timezone')}
                  />
                  <datalist id={`${scope.idPrefix}-zones`}>
                    {zones.map((zone) => (
                      <option key={zone} value={zone} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          </div>
          <div className="jp-Turing-Jobs-preview" aria-live="polite">
            {description && (
              <div className="jp-Turing-Jobs-description" data-testid="schedule-description">
                {description}
              </div>
            )}
            {preview.loading && <div className="jp-Turing-Hint">{trans.__('Computing the next runs…')}</div>}
            {previewMessages.length > 0 && (
              <div className="jp-Turing-FieldError" data-testid="schedule-preview-error">
                {previewMessages.map((message, index) => (
                  <div key={index}>{message}</div>
                ))}
              </div>
            )}
            {preview.preview && !preview.loading && (
              <div>
                <div className="jp-Turing-Hint">{trans.__('Next runs (%1):', preview.preview.timezone)}</div>
                <ol
                  className="jp-Turing-Jobs-nextRuns"
                  aria-label={trans.__('Next runs')}
                  data-testid="schedule-next-runs"
                >
                  {preview.preview.nextRuns.map((time) => (
                    <li key={time}>
                      <time dateTime={time}>{formatDateTime(time, preview.preview?.timezone)}</time>
                    </li>
                  ))}
                </ol>
              </div>
            )}
          </div>
        </>
      )}
    </fieldset>
  );
}
