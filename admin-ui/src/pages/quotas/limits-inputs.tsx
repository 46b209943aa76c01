import { InlineErrors, errorProps } from '@turing/ui/lib/form-field';
import type { FieldScope } from '@turing/ui/lib/form-field';
import React from 'react';

import type { QuotaKey } from '../../api/types';
import { QUOTA_KEYS } from '../../api/types';
import { trans } from '../../app/translation';
import { quotaLabel } from './quota-labels';
import type { StorageUnit } from './quota-units';
import { STORAGE_UNITS } from './quota-units';
import type { LimitsDraft } from './quotas-draft';

/** Props of {@link LimitsInputs}. */
export interface LimitsInputsProps {
  limits: LimitsDraft;
  onChange: (limits: LimitsDraft) => void;
  /** Whose limits, for the accessible names ("GPUs of group ml"). */
  owner: string;
  /** The field key of each limit. */
  fieldOf: (key: QuotaKey) => string;
  scope: FieldScope;
  /** Group and user rows: empty means inherited. */
  optional: boolean;
  /** A prefix for test ids, e.g. `quota-groups-ml`. */
  testIdPrefix: string;
}

/** The five limit cells of one quotas row: numbers, storage with its unit. */
export function LimitsInputs(props: LimitsInputsProps): React.ReactElement {
  const { limits, onChange, owner, fieldOf, scope, optional, testIdPrefix } = props;
  const placeholder = optional ? trans.__('inherit') : undefined;
  return (
    <>
      {QUOTA_KEYS.map((key) => {
        const field = fieldOf(key);
        const label = trans.__('%1 of %2', quotaLabel(key), owner);
        return (
          <td key={key} className="jp-Turing-Admin-numberCell">
            <div className="jp-Turing-Admin-limit">
              <input
                type="text"
                inputMode="decimal"
                className="jp-mod-styled jp-Turing-Admin-number"
                aria-label={label}
                placeholder={placeholder}
                value={limits[key]}
                data-testid={`${testIdPrefix}-${key}`}
                {...errorProps(scope, field)}
                onChange={(event) => onChange({ ...limits, [key]: event.target.value })}
              />
              {key === 'artifactBytes' && (
                <select
                  className="jp-mod-styled"
                  aria-label={trans.__('Unit of %1', label)}
                  value={limits.artifactUnit}
                  data-testid={`${testIdPrefix}-unit`}
                  onChange={(event) =>
                    onChange({ ...limits, artifactUnit: event.target.value as StorageUnit })
                  }
                >
                  {STORAGE_UNITS.map((unit) => (
                    <option key={unit} value={unit}>
                      {unit}
                    </option>
                  ))}
                </select>
              )}
            </div>
            <InlineErrors scope={scope} field={field} />
          </td>
        );
      })}
    </>
  );
}
