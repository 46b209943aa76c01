import type { TranslationBundle } from '@jupyterlab/translation';
import type { Environment } from '@turing/client';
import React, { useEffect, useRef, useState } from 'react';

import { EnvironmentOption } from './environment-option';
import { isSelectKey, nextActiveIndex, optionId } from './listbox-keys';

/** Props of {@link EnvironmentList}. */
export interface EnvironmentListProps {
  environments: Environment[];
  selectedId: string | null;
  /** The id of the environment the server runs now, marked in the list. */
  currentId: string | undefined;
  onSelect: (id: string) => void;
  /** Shown right under the selected card (its GPU picker): part of the card to the eye. */
  details: React.ReactNode;
  /** Makes option ids unique on the page. */
  idPrefix: string;
  /** The height covered at the bottom of the scroll area (the sticky action bar). */
  bottomInset: () => number;
  trans: TranslationBundle;
}

/** Scrolls the least needed to show `element` above `inset` pixels of covered bottom. */
function reveal(element: Element | null, inset: number): void {
  if (element instanceof HTMLElement) {
    element.style.scrollMarginBottom = `${inset}px`;
    element.scrollIntoView?.({ block: 'nearest' });
  }
}

/**
 * The catalog as a single-select listbox: focus stays on the list and
 * `aria-activedescendant` names the active option; Up/Down/Home/End move,
 * Enter/Space and clicks select. The selected card expands in place, with
 * `details` directly under it. Form controls may not sit inside a listbox,
 * so the list is split there: the cards after the selection are in a second
 * container that the listbox owns (`aria-owns`).
 */
export function EnvironmentList(props: EnvironmentListProps): React.ReactElement {
  const { environments, selectedId, currentId, onSelect, details, idPrefix, bottomInset, trans } = props;
  const [activeId, setActiveId] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const detailsRef = useRef<HTMLDivElement>(null);

  const selectedIndex = environments.findIndex((e) => e.id === selectedId);
  const active = environments.some((e) => e.id === activeId) ? activeId : null;

  // Follow selections made elsewhere (a click, the command's argument).
  useEffect(() => {
    if (selectedId) {
      setActiveId(selectedId);
    }
  }, [selectedId]);

  // The expanded card, picker included, comes into view above the action bar.
  useEffect(() => {
    if (selectedIndex < 0) {
      return;
    }
    const option = document.getElementById(optionId(idPrefix, environments[selectedIndex]?.id ?? ''));
    reveal(detailsRef.current, bottomInset() + 8);
    reveal(option, bottomInset() + 8);
    // Only a new selection scrolls; re-renders must not fight the user's scrolling.
  }, [selectedId, selectedIndex >= 0]);

  if (environments.length === 0) {
    return (
      <div className="jp-Turing-Empty">{trans.__('No environment matches the search and filters.')}</div>
    );
  }

  const moveTo = (index: number): void => {
    const env = environments[index];
    if (env) {
      setActiveId(env.id);
      reveal(document.getElementById(optionId(idPrefix, env.id)), bottomInset() + 8);
    }
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>): void => {
    if (event.target !== event.currentTarget) {
      return;
    }
    if (isSelectKey(event.key)) {
      event.preventDefault();
      if (active) {
        onSelect(active);
      }
      return;
    }
    const index = environments.findIndex((e) => e.id === active);
    const next = nextActiveIndex(event.key, index, environments.length);
    if (next !== null) {
      event.preventDefault();
      moveTo(next);
    }
  };

  const option = (env: Environment): React.ReactElement => (
    <EnvironmentOption
      key={env.id}
      environment={env}
      id={optionId(idPrefix, env.id)}
      selected={env.id === selectedId}
      active={focused && env.id === active}
      current={env.id === currentId}
      onSelect={(id) => {
        setActiveId(id);
        onSelect(id);
      }}
      trans={trans}
    />
  );

  const split = selectedIndex >= 0 ? selectedIndex + 1 : environments.length;
  const after = environments.slice(split);
  return (
    <div className={`jp-Turing-EnvCards${focused ? ' jp-mod-focused' : ''}`} data-testid="environment-cards">
      <div
        className="jp-Turing-EnvList"
        role="listbox"
        id={`${idPrefix}-listbox`}
        aria-label={trans.__('Environments')}
        aria-activedescendant={active ? optionId(idPrefix, active) : undefined}
        aria-owns={after.length > 0 ? after.map((e) => optionId(idPrefix, e.id)).join(' ') : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => {
          setFocused(true);
          if (!active) {
            setActiveId(selectedId ?? environments[0]?.id ?? null);
          }
        }}
        onBlur={() => setFocused(false)}
      >
        {environments.slice(0, split).map(option)}
      </div>
      {selectedIndex >= 0 && (
        <div ref={detailsRef} className="jp-Turing-EnvDetails" data-testid="environment-details">
          {details}
        </div>
      )}
      {after.length > 0 && <div className="jp-Turing-EnvList jp-mod-after">{after.map(option)}</div>}
    </div>
  );
}
