import { ErrorMessage } from '@turing/ui/lib/error-message';
import { announce } from '@turing/ui/lib/live-region';
import React, { useEffect, useState } from 'react';

import { useApi } from '../../api/api-context';
import { QUOTA_KEYS } from '../../api/types';
import { pageTitle } from '../../app/pages';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { PageHeading } from '../../components/page-heading';
import { TableHead } from '../../components/table-head';
import { TitledSection } from '../../components/titled-section';
import { WriteFeedback } from '../../components/write-feedback';
import { useVersionedWrite } from '../../hooks/use-versioned-write';
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
  const write = useVersionedWrite({
    fieldOf: quotaErrorField,
    staleMessage: trans.__('Someone else changed the quotas.'),
  });

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
      write.invalid(result.errors);
      announce(trans.__('Check the highlighted fields.'), 'assertive');
      return;
    }
    await write.run(async () => {
      const saved = await api.replaceQuotas(result.document, version);
      setVersion(saved.version);
      setDraft(draftFromQuotas(saved));
      write.succeeded();
      announce(trans.__('Quotas saved.'));
    });
  };

  // `reload()` resolves `undefined` when the load failed; its error is then the summary.
  const reload = () =>
    write.reload(async () => {
      if (!(await quotas.reload())) {
        throw quotas.rawError;
      }
    }, trans.__('Quotas reloaded. Your edit is kept; save it again.'));

  const scope = { idPrefix: 'quota', testIdPrefix: 'quota', errors: write.fields };
  return (
    <>
      <PageHeading title={pageTitle('quotas')} />
      {quotas.error && !draft && (
        <ErrorMessage error={quotas.error} trans={trans} testId="quota-load-error" />
      )}
      <WriteFeedback
        write={write}
        what={trans.__('the quotas')}
        onReload={() => void reload()}
        testIdPrefix="quota"
      />
      {draft && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <TitledSection
            className="jp-Turing-Admin-section"
            headingId="quota-defaults-title"
            title={trans.__('Defaults')}
          >
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
                <TableHead columns={QUOTA_KEYS.map(quotaLabel)} />
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
          </TitledSection>
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
            <ActionButton
              label={trans.__('Save quotas')}
              submit
              tone="accept"
              disabled={write.busy}
              testId="quota-save"
            />
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
