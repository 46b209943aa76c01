import type { TranslationBundle } from '@jupyterlab/translation';
import type { IModelsClient, Me } from '@turing/client';
import { ViewWidget } from '@turing/ui';
import React from 'react';

import type { ModelsRoute } from './models-main-view';
import { ModelsMainView } from './models-main-view';
import type { MainAreaSettings } from './settings';

/** Options of {@link ModelsMainArea}. */
export interface ModelsMainAreaOptions {
  models: IModelsClient;
  whoAmI: () => Promise<Me>;
  /** Whose home this server is. */
  homeOwner: string;
  /** The hub's origin, for absolute URLs in the examples. */
  origin: string;
  settings: MainAreaSettings;
  trans: TranslationBundle;
}

/** The content of the main-area models view; `showPage()` moves it between the table and a detail page. */
export class ModelsMainArea extends ViewWidget<MainAreaSettings, ModelsRoute> {
  constructor(private readonly options: ModelsMainAreaOptions) {
    super(options.settings, { serial: 0 });
    this.addClass('jp-Turing-Models-mainArea');
  }

  /** Shows the table (of `user`'s models, when named) or `model`'s detail page. */
  showPage(request: { model?: string; user?: string }): void {
    this.requestView({
      ...(request.model ? { model: request.model } : {}),
      ...(request.user ? { user: request.user } : {}),
    });
  }

  protected render(): React.ReactElement {
    const { request, ...state } = this.viewState;
    return (
      <ModelsMainView
        {...this.options}
        {...state}
        route={request}
        navigate={(route) => this.showPage(route)}
      />
    );
  }
}
