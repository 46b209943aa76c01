import { ErrorMessage } from '@turing/ui/lib/error-message';
import type { ShownError } from '@turing/ui/lib/error-message';
import { toShownError } from '@turing/ui/lib/error-message';
import { announce } from '@turing/ui/lib/live-region';
import React, { useEffect, useState } from 'react';

import { useApi } from '../../api/api-context';
import { QUOTA_KEYS } from '../../api/types';
import { describeWriteFailure } from '../../api/write-failure';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { PageHeading } from '../../components/page-heading';
import { StaleWriteNotice } from '../../components/stale-write-notice';
import { useResource } from '../../hooks/use-resource';
import { LimitsInputs } from './limits-inputs';
import { quotaLabel } from './quota-labels';
import { QuotaRows } from './quota-rows';
import type { QuotasDraft } from './quotas-draft';
import { draftFromQuotas, limitField, quotaErrorField, quotasFromDraft } from './quotas-draft';
import { UsageLookup } from './usage-lookup';

/**
 * Quotas: the defaults, per-group and per-user rows, saved as one document
 * with `If-Match`; and the usage lookup of one user.
 */
export function QuotasPage(): React.ReactElement {
  const api = useApi();
  const quotas = useResource(() => api.quotas(), 'quotas');
  const [draft, setDraft] = useState<QuotasDraft | null>(null);
  const [version, setVersion] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [summary, setSummary] = useState<ShownError | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  // The first load fills the form; later loads (a reload after a conflict) only move the version.
  useEffect(() => {
    if (quotas.data) {
      setVersion(quotas.data.version);
      setDraft((current) => current ?? draftFromQuotas(quotas.data as NonNullable<typeof quotas.data>));
    }
  }, [quotas.data]);

  const save = async (): Promise<void> => {
    if (!draft || version === null) {
      return;
    }
    const result = quotasFromDraft(draft);
    if (!result.ok) {
      setFields(result.errors);
      setSummary({ title: trans.__('Check the highlighted fields.'), fields: [] });
      announce(trans.__('Check the highlighted fields.'), 'assertive');
      return;
    }
    setBusy(true);
    try {
      const saved = await api.replaceQuotas(result.document, version);
      setVersion(saved.version);
      setDraft(draftFromQuotas(saved));
      setFields({});
      setSummary(null);
      setStale(false);
      announce(trans.__('Quotas saved.'));
    } catch (error) {
      const failure = describeWriteFailure(error, quotaErrorField);
      setStale(failure.stale);
      setFields(failure.fields);
      setSummary(failure.stale ? null : failure.shown);
      announce(
        failure.stale ? trans.__('Someone else changed the quotas.') : failure.shown.title,
        'assertive',
      );
    } finally {
      setBusy(false);
    }
  };

  const reload = async (): Promise<void> => {
    setBusy(true);
    const loaded = await quotas.reload();
    setBusy(false);
    if (loaded) {
      setStale(false);
      announce(trans.__('Quotas reloaded. Your edit is kept; save it again.'));
    } else {
      setSummary(toShownError(quotas.rawError));
    }
  };

  const scope = { idPrefix: 'quota', testIdPrefix: 'quota', errors: fields };
  return (
    <>
      <PageHeading title={pageTitle('quotas')} />
      {quotas.error && !draft && (
        <ErrorMessage error={quotas.error} trans={trans} testId="quota-load-error" />
      )}
      {stale && (
        <StaleWriteNotice
          what={trans.__('the quotas')}
          onReload={() => void reload()}
          busy={busy}
          testId="quota-conflict"
        />
      )}
      {summary && <ErrorMessage error={summary} trans={trans} testId="quota-error" />}
      {draft && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <section className="jp-Turing-Admin-section" aria-labelledby="quota-defaults-title">
            <h2 id="quota-defaults-title" className="jp-Turing-Admin-h2">
              {trans.__('Defaults')}
            </h2>
            <p className="jp-Turing-Hint">
              {trans.__(
                'Every user gets these unless a group or their own row sets a value. GPUs count servers, job runs and model replicas together.',
              )}
            </p>
            <div className="jp-Turing-Table-scroll">
              <table
                className="jp-Turing-Table jp-Turing-Admin-quotaTable"
                aria-labelledby="quota-defaults-title"
                data-testid="quota-defaults"
              >
                <thead>
                  <tr>
                    {QUOTA_KEYS.map((key) => (
                      <th key={key} scope="col">
                        {quotaLabel(key)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <LimitsInputs
                      limits={draft.defaults}
                      onChange={(defaults) => setDraft({ ...draft, defaults })}
                      owner={trans.__('everyone (default)')}
                      fieldOf={(key) => limitField('defaults', '', key)}
                      scope={scope}
                      optional={false}
                      testIdPrefix="quota-defaults"
                    />
                  </tr>
                </tbody>
              </table>
            </div>
          </section>
          <QuotaRows
            section="groups"
            rows={draft.groups}
            onChange={(groups) => setDraft({ ...draft, groups })}
            scope={scope}
          />
          <QuotaRows
            section="users"
            rows={draft.users}
            onChange={(users) => setDraft({ ...draft, users })}
            scope={scope}
          />
          <div className="jp-Turing-Admin-actions">
            <button
              type="submit"
              className="jp-mod-styled jp-mod-accept"
              disabled={busy}
              data-testid="quota-save"
            >
              {trans.__('Save quotas')}
            </button>
            <span className="jp-Turing-Hint" data-testid="quota-version">
              {trans.__('Version %1', version ?? '')}
            </span>
          </div>
        </form>
      )}
      <UsageLookup />
    </>
  );
}
