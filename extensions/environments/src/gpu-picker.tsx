import type { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import type { GpuBounds, GpuTypeOption } from './gpu-bounds';

/** Props of {@link GpuPicker}. */
export interface GpuPickerProps {
  types: GpuTypeOption[];
  /** The chosen type id; `undefined` lets the scheduler pick any offered type. */
  gpuType: string | undefined;
  gpus: number;
  bounds: GpuBounds;
  /** Whether free-GPU counts are live (else they are not shown). */
  capacityKnown: boolean;
  onTypeChange: (gpuType: string | undefined) => void;
  onCountChange: (gpus: number) => void;
  disabled: boolean;
  trans: TranslationBundle;
}

/** Explains why fewer GPUs than the environment offers can be picked. */
function limitText(bounds: GpuBounds, trans: TranslationBundle): string | null {
  if (bounds.counts.length === 0) {
    return bounds.quotaRemaining < 1
      ? trans.__('Your GPU quota is used up. Stop a server that holds GPUs, or ask an admin for more.')
      : trans.__('No node has enough free GPUs of this type right now.');
  }
  if (bounds.limitedBy === 'quota') {
    return trans._n(
      'Your quota allows %1 more GPU.',
      'Your quota allows %1 more GPUs.',
      bounds.quotaRemaining,
    );
  }
  if (bounds.limitedBy === 'capacity') {
    return trans._n(
      'At most %1 GPU is free on one node.',
      'At most %1 GPUs are free on one node.',
      bounds.largestFreeOnOneNode,
    );
  }
  return null;
}

/** The GPU type and count picker, bounded by free GPUs on one node and the quota. */
export function GpuPicker(props: GpuPickerProps): React.ReactElement {
  const { types, gpuType, gpus, bounds, capacityKnown, onTypeChange, onCountChange, disabled, trans } = props;
  const limit = limitText(bounds, trans);
  return (
    <div className="jp-Turing-GpuPicker">
      {types.length > 0 && (
        <label className="jp-Turing-Field">
          <span>{trans.__('GPU type')}</span>
          <select
            className="jp-mod-styled"
            value={gpuType ?? ''}
            disabled={disabled}
            onChange={(e) => onTypeChange(e.target.value || undefined)}
          >
            {types.length > 1 && <option value="">{trans.__('Any')}</option>}
            {types.map((t) => (
              <option key={t.id} value={t.id}>
                {capacityKnown ? trans.__('%1 (%2 free)', t.displayName, t.free) : t.displayName}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="jp-Turing-Field">
        <span>{trans.__('GPUs')}</span>
        <select
          className="jp-mod-styled"
          value={bounds.counts.includes(gpus) ? String(gpus) : ''}
          disabled={disabled || bounds.counts.length === 0}
          onChange={(e) => onCountChange(Number(e.target.value))}
        >
          {bounds.counts.length === 0 && <option value="">{trans.__('none available')}</option>}
          {bounds.counts.map((count) => (
            <option key={count} value={String(count)}>
              {String(count)}
            </option>
          ))}
        </select>
      </label>
      {limit && <div className="jp-Turing-Hint">{limit}</div>}
    </div>
  );
}
