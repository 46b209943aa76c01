import { IconButton, TextButton } from '@turing/ui/lib/buttons';
import { InlineErrors, errorProps } from '@turing/ui/lib/form-field';
import type { FieldScope } from '@turing/ui/lib/form-field';
import React from 'react';

import { QUOTA_KEYS } from '../../api/types';
import { trans } from '../../app/translation';
import { EmptyRow } from '../../components/empty-row';
import { addIcon, closeIcon } from '../../components/icons';
import { TableHead } from '../../components/table-head';
import { TitledSection } from '../../components/titled-section';
import { LimitsInputs } from './limits-inputs';
import { quotaLabel } from './quota-labels';
import type { LimitsDraft, QuotaRowDraft, QuotaSection } from './quotas-draft';
import { emptyRow, limitField, nameField } from './quotas-draft';

/** Props of {@link QuotaRows}. */
export interface QuotaRowsProps {
  section: QuotaSection;
  rows: QuotaRowDraft[];
  onChange: (rows: QuotaRowDraft[]) => void;
  scope: FieldScope;
}

/** The table of per-group or per-user limits: one row each, added and removed here. */
export function QuotaRows({ section, rows, onChange, scope }: QuotaRowsProps): React.ReactElement {
  const groups = section === 'groups';
  const noun = groups ? trans.__('group') : trans.__('user');
  const title = groups ? trans.__('Per-group limits') : trans.__('Per-user limits');
  const headingId = `quota-${section}-title`;

  const update = (key: string, change: Partial<QuotaRowDraft>): void =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  return (
    <TitledSection className="jp-Turing-Admin-section" headingId={headingId} title={title}>
      <p className="jp-Turing-Hint">
        {groups
          ? trans.__('A user in several groups gets the highest value any of them sets. Empty: the default.')
          : trans.__("A user's own value wins over their groups'. Empty: from the groups or the default.")}
      </p>
      <div className="jp-Turing-Table-scroll">
        <table
          className="jp-Turing-Table jp-Turing-Admin-quotaTable"
          aria-labelledby={headingId}
          data-testid={`quota-${section}`}
        >
          <TableHead
            columns={[groups ? trans.__('Group') : trans.__('User'), ...QUOTA_KEYS.map(quotaLabel)]}
            actions
          />
          <tbody>
            {rows.length === 0 && (
              <EmptyRow columns={QUOTA_KEYS.length + 2}>
                {groups ? trans.__('No group limits.') : trans.__('No user limits.')}
              </EmptyRow>
            )}
            {rows.map((row, index) => {
              const owner = row.name.trim()
                ? `${noun} ${row.name.trim()}`
                : trans.__('%1 in row %2', noun, index + 1);
              const field = nameField(section, row.key);
              return (
                <tr key={row.key} data-testid={`quota-${section}-row-${index}`}>
                  <th scope="row">
                    <input
                      type="text"
                      className="jp-mod-styled"
                      aria-label={trans.__('Name of %1', owner)}
                      value={row.name}
                      spellCheck={false}
                      data-testid={`quota-${section}-${index}-name`}
                      {...errorProps(scope, field)}
                      onChange={(event) => update(row.key, { name: event.target.value })}
                    />
                    <InlineErrors scope={scope} field={field} />
                  </th>
                  <LimitsInputs
                    limits={row.limits}
                    onChange={(limits: LimitsDraft) => update(row.key, { limits })}
                    owner={owner}
                    fieldOf={(key) => limitField(section, row.name.trim(), key)}
                    scope={scope}
                    optional
                    testIdPrefix={`quota-${section}-${index}`}
                  />
                  <td>
                    <IconButton
                      icon={closeIcon}
                      label={trans.__('Remove limits of %1', owner)}
                      testId={`quota-${section}-${index}-remove`}
                      onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <TextButton
        icon={addIcon}
        label={groups ? trans.__('Add group') : trans.__('Add user')}
        testId={`quota-${section}-add`}
        onClick={() => onChange([...rows, emptyRow()])}
      />
    </TitledSection>
  );
}
