import { addIcon, closeIcon } from '@jupyterlab/ui-components';
import { IconButton, InlineErrors, TextButton, errorProps } from '@turing/ui';
import React from 'react';

import type { AlertRow } from './schedule-form';
import { newAlertRow } from './schedule-form';
import type { SectionProps } from './schedule-form-section';

type AlertFlag = 'failure' | 'success' | 'timeout';

/** Webhook alerts (Slack-compatible JSON) and the kept outputs. */
export function AlertsSection(props: SectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans } = props;
  const setAlert = (index: number, change: Partial<AlertRow>) =>
    update((f) => ({ ...f, alerts: f.alerts.map((a, i) => (i === index ? { ...a, ...change } : a)) }));
  const flags: Array<[AlertFlag, string]> = [
    ['failure', trans.__('On failure')],
    ['success', trans.__('On success')],
    ['timeout', trans.__('On timeout')],
  ];
  return (
    <>
      <fieldset className="jp-Turing-Section" data-testid="schedule-alerts">
        <legend>{trans.__('Alerts')}</legend>
        <div className="jp-Turing-Hint">
          {trans.__('A Slack-compatible JSON message is posted to each webhook when a run ends that way.')}
        </div>
        {form.alerts.map((alert, index) => {
          const field = `alert:${index}`;
          const urlId = `${scope.idPrefix}-alert-${index}-url`;
          return (
            <div key={index} className="jp-Turing-Jobs-alert" data-testid={`schedule-alert-${index}`}>
              <div className="jp-Turing-Jobs-alertInputs">
                <label htmlFor={urlId}>{trans.__('Webhook URL')}</label>
                <input
                  id={urlId}
                  type="url"
                  className="jp-mod-styled jp-Turing-Jobs-alertUrl"
                  data-testid={`schedule-alert-webhook-${index}`}
                  placeholder="https://hooks.slack.com/services/…"
                  value={alert.webhook}
                  disabled={disabled}
                  spellCheck={false}
                  onChange={(e) => setAlert(index, { webhook: e.target.value })}
                  {...errorProps(scope, field)}
                />
                <IconButton
                  icon={closeIcon}
                  label={trans.__('Remove alert %1', index + 1)}
                  disabled={disabled}
                  onClick={() => update((f) => ({ ...f, alerts: f.alerts.filter((_, i) => i !== index) }))}
                />
              </div>
              <div className="jp-Turing-Choices">
                {flags.map(([flag, label]) => (
                  <label key={flag} className="jp-Turing-Choice">
                    <input
                      type="checkbox"
                      data-testid={`schedule-alert-${index}-${flag}`}
                      checked={alert[flag]}
                      disabled={disabled}
                      onChange={(e) => setAlert(index, { [flag]: e.target.checked })}
                    />
                    {label}
                  </label>
                ))}
              </div>
              <InlineErrors scope={scope} field={field} />
            </div>
          );
        })}
        <TextButton
          icon={addIcon}
          label={trans.__('Add alert')}
          disabled={disabled}
          onClick={() => update((f) => ({ ...f, alerts: [...f.alerts, newAlertRow()] }))}
        />
      </fieldset>
      <fieldset className="jp-Turing-Section" data-testid="schedule-outputs">
        <legend>{trans.__('Outputs')}</legend>
        <div className="jp-Turing-Choices">
          <label className="jp-Turing-Choice">
            <input type="checkbox" checked disabled />
            {trans.__('Executed notebook (.ipynb)')}
          </label>
          <label className="jp-Turing-Choice">
            <input
              type="checkbox"
              data-testid="schedule-output-html"
              checked={form.html}
              disabled={disabled}
              onChange={(e) => update((f) => ({ ...f, html: e.target.checked }))}
            />
            {trans.__('HTML report')}
          </label>
        </div>
        <InlineErrors scope={scope} field="outputs" />
      </fieldset>
    </>
  );
}
