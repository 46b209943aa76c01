import type { ShownError } from '@turing/ui/lib/error-message';
import { ErrorMessage, toShownError } from '@turing/ui/lib/error-message';
import { announce } from '@turing/ui/lib/live-region';
import React, { useState } from 'react';

import { useApi } from '../../api/api-context';
import type { QuotaKey, QuotaUsage } from '../../api/types';
import { QUOTA_KEYS } from '../../api/types';
import { trans } from '../../app/translation';
import { ActionButton } from '../../components/action-button';
import { TableHead } from '../../components/table-head';
import { TitledSection } from '../../components/titled-section';
import { quotaLabel } from './quota-labels';
import { formatBytes } from './quota-units';

function amount(key: QuotaKey, value: number): string {
  return key === 'artifactBytes' ? formatBytes(value) : String(value);
}

function sourceText(source: string): string {
  if (source === 'user') {
    return trans.__("the user's own limit");
  }
  if (source.startsWith('group:')) {
    return trans.__('group %1', source.slice('group:'.length));
  }
  return trans.__('the default');
}

/** "Usage of user": one user's limits, use and where each limit comes from. */
export function UsageLookup(): React.ReactElement {
  const api = useApi();
  const [user, setUser] = useState('');
  const [usage, setUsage] = useState<QuotaUsage | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);

  const look = async (): Promise<void> => {
    if (!user.trim()) {
      return;
    }
    setBusy(true);
    try {
      const answer = await api.quotaUsage(user.trim());
      setUsage(answer);
      setError(null);
      announce(trans.__('Usage of %1 loaded.', answer.user));
    } catch (caught) {
      setError(toShownError(caught));
      setUsage(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <TitledSection
      className="jp-Turing-Admin-section"
      headingId="quota-usage-title"
      title={trans.__('Usage of a user')}
    >
      <form
        className="jp-Turing-Admin-toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void look();
        }}
      >
        <label htmlFor="quota-usage-user">{trans.__('User name')}</label>
        <input
          id="quota-usage-user"
          type="text"
          className="jp-mod-styled"
          value={user}
          spellCheck={false}
          data-testid="quota-usage-user"
          onChange={(event) => setUser(event.target.value)}
        />
        <ActionButton label={trans.__('Show usage')} submit disabled={busy} testId="quota-usage-show" />
      </form>
      {error && <ErrorMessage error={error} trans={trans} testId="quota-usage-error" />}
      {usage && (
        <>
          <p className="jp-Turing-Hint">
            {usage.groups.length
              ? trans.__('%1 is in the groups %2.', usage.user, usage.groups.join(', '))
              : trans.__('%1 is in no group.', usage.user)}
          </p>
          <table
            className="jp-Turing-Table"
            aria-label={trans.__('Quota usage of %1', usage.user)}
            data-testid="quota-usage"
          >
            <TableHead
              columns={[trans.__('Quota'), trans.__('Used'), trans.__('Limit'), trans.__('Limit from')]}
            />
            <tbody>
              {QUOTA_KEYS.map((key) => (
                <tr key={key} data-testid={`quota-usage-${key}`}>
                  <th scope="row">{quotaLabel(key)}</th>
                  <td>{amount(key, usage.used[key])}</td>
                  <td>{amount(key, usage.limits[key])}</td>
                  <td>{sourceText(usage.sources[key])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </TitledSection>
  );
}
