import type { TranslationBundle } from '@jupyterlab/translation';
import type { SidePanel } from '@jupyterlab/ui-components';
import type { IModelsClient } from '@turing/client';
import { ViewWidget, createSidePanel } from '@turing/ui';
import React from 'react';

import { modelsIcon } from './icons';
import type { RevealRequest } from './models-view';
import { ModelsView } from './models-view';
import type { PanelSettings } from './settings';
import { DEFAULT_PANEL_SETTINGS } from './settings';
import { PANEL_ID } from './tokens';

/** Options of {@link ModelsBody}. */
export interface ModelsBodyOptions {
  models: IModelsClient;
  /** Whose home this server is. */
  homeOwner: string;
  /** The hub's origin, for absolute URLs in the examples. */
  origin: string;
  /** Opens the main-area models view: the table, or `model`'s detail page. */
  openInMainArea: (model?: string) => void;
  trans: TranslationBundle;
}

/** The React body of the models panel; settings and reveal requests re-render it. */
export class ModelsBody extends ViewWidget<PanelSettings, RevealRequest> {
  constructor(private readonly options: ModelsBodyOptions) {
    super({ ...DEFAULT_PANEL_SETTINGS }, { serial: 0 });
    this.addClass('jp-Turing-Models-body');
  }

  /** Opens a model's card (if named) and reloads the list. */
  reveal(model?: string): void {
    this.requestView({ model });
  }

  protected render(): React.ReactElement {
    return <ModelsView {...this.options} {...this.viewState} />;
  }
}

/** The models side panel and its body. */
export interface ModelsPanel {
  panel: SidePanel;
  body: ModelsBody;
}

/** Creates the side panel with its icon, caption and accessible label. */
export function createModelsPanel(options: ModelsBodyOptions): ModelsPanel {
  const { trans } = options;
  const body = new ModelsBody(options);
  const panel = createSidePanel({
    id: PANEL_ID,
    className: 'jp-Turing-Models-panel',
    icon: modelsIcon,
    caption: trans.__('Turing Models'),
    body,
    label: trans.__('Models'),
  });
  return { panel, body };
}
