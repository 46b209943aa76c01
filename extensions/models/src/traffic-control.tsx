import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, ModelView } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ErrorMessage, toShownError } from '@turing/ui';
import React, { useState } from 'react';

import type { TrafficDraft } from './traffic';
import {
  MAX_CANARY_PERCENT,
  canPromote,
  canRollBack,
  clampPercent,
  describeTraffic,
  draftOf,
  trafficBody,
  trafficChanged,
} from './traffic';

/** Props of {@link TrafficControl}. */
export interface TrafficControlProps {
  models: IModelsClient;
  model: ModelView;
  /** Called with the model after a change was accepted. */
  onChanged: (model: ModelView) => void;
  trans: TranslationBundle;
}

/**
 * The traffic split: pin the stable version, choose a canary version and its
 * share with the slider, Apply; Promote makes the canary stable; Roll back
 * restores the previous split. Each is one API call; the runtime keeps the
 * previous version serving until the new one is ready.
 */
export function TrafficControl({ models, model, onChanged, trans }: TrafficControlProps): React.ReactElement {
  const initial = draftOf(model);
  const [draft, setDraft] = useState<TrafficDraft | null>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);

  if (!initial || !draft) {
    return <div className="jp-Turing-Hint">{trans.__('No version serves yet.')}</div>;
  }
  const versions = [...model.versions].map((v) => v.version).sort((a, b) => b - a);
  const act = async (action: () => Promise<ModelView>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await action());
    } catch (e) {
      setError(toShownError(e));
    } finally {
      setBusy(false);
    }
  };
  const canaryVersion = draft.canary ?? versions.find((v) => v !== draft.stable) ?? null;
  const percentText =
    draft.canary === null || draft.percent === 0
      ? trans.__('all traffic to v%1', draft.stable)
      : trans.__('%1% to v%2', draft.percent, draft.canary);
  return (
    <div className="jp-Turing-Models-traffic" data-testid="model-traffic">
      <div className="jp-Turing-Hint" data-testid="model-traffic-now">
        {trans.__('Now: %1', describeTraffic(model.traffic, trans))}
        {model.status.servingVersions.length > 0 &&
          ` · ${trans.__('loaded: %1', model.status.servingVersions.map((v) => `v${v}`).join(', '))}`}
      </div>
      <div className="jp-Turing-Models-trafficRow">
        <label>
          {trans.__('Stable')}
          <select
            className="jp-mod-styled"
            aria-label={trans.__('Stable version of %1', model.name)}
            data-testid="model-traffic-stable"
            value={draft.stable}
            disabled={busy}
            onChange={(e) => {
              const stable = Number(e.target.value);
              setDraft((d) => d && { ...d, stable, canary: d.canary === stable ? null : d.canary });
            }}
          >
            {versions.map((v) => (
              <option key={v} value={v}>
                {`v${v}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          {trans.__('Canary')}
          <select
            className="jp-mod-styled"
            aria-label={trans.__('Canary version of %1', model.name)}
            data-testid="model-traffic-canary"
            value={draft.canary ?? ''}
            disabled={busy}
            onChange={(e) => {
              const canary = e.target.value === '' ? null : Number(e.target.value);
              setDraft((d) => d && { ...d, canary, percent: canary === null ? 0 : d.percent || 10 });
            }}
          >
            <option value="">{trans.__('none')}</option>
            {versions
              .filter((v) => v !== draft.stable)
              .map((v) => (
                <option key={v} value={v}>
                  {`v${v}`}
                </option>
              ))}
          </select>
        </label>
      </div>
      <input
        type="range"
        className="jp-Turing-Models-slider"
        data-testid="model-canary-slider"
        min={0}
        max={MAX_CANARY_PERCENT}
        step={1}
        value={draft.canary === null ? 0 : draft.percent}
        disabled={busy || canaryVersion === null}
        aria-label={trans.__('Canary traffic percentage of %1', model.name)}
        aria-valuetext={percentText}
        onChange={(e) => {
          const percent = clampPercent(Number(e.target.value));
          setDraft(
            (d) => d && { ...d, percent, canary: percent > 0 ? (d.canary ?? canaryVersion) : d.canary },
          );
        }}
      />
      <div className="jp-Turing-Hint" data-testid="model-canary-percent">
        {percentText}
      </div>
      <div className="jp-Turing-ButtonRow">
        <button
          type="button"
          className="jp-mod-styled jp-mod-accept jp-Turing-SmallButton"
          data-testid="model-traffic-apply"
          aria-label={trans.__('Apply the traffic split of %1', model.name)}
          disabled={busy || !trafficChanged(model, draft)}
          onClick={() => void act(() => models.setTraffic(model.name, trafficBody(draft)))}
        >
          {trans.__('Apply')}
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-SmallButton"
          data-testid="model-promote"
          aria-label={
            model.traffic?.canary !== undefined && canPromote(model)
              ? trans.__('Promote version %1 of %2', model.traffic.canary, model.name)
              : trans.__('Promote the canary of %1', model.name)
          }
          title={trans.__('Send all traffic to the canary version')}
          disabled={busy || !canPromote(model)}
          onClick={() => void act(() => models.promote(model.name))}
        >
          {trans.__('Promote')}
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-Turing-SmallButton"
          data-testid="model-rollback"
          aria-label={trans.__('Roll back the traffic of %1', model.name)}
          title={trans.__('Restore the split before the last change')}
          disabled={busy || !canRollBack(model)}
          onClick={() => void act(() => models.rollback(model.name))}
        >
          {trans.__('Roll back')}
        </button>
      </div>
      {error && <ErrorMessage error={error} trans={trans} testId="model-traffic-error" />}
    </div>
  );
}
