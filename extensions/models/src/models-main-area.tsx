import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import type { IModelsClient, Me } from '@turing/client';
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
export class ModelsMainArea extends ReactWidget {
  private route: ModelsRoute = { serial: 0 };
  private refreshes = 0;
  private settings: MainAreaSettings;

  constructor(private readonly options: ModelsMainAreaOptions) {
    super();
    this.settings = options.settings;
    this.addClass('jp-Turing-Models-mainArea');
  }

  /** Shows the table (of `user`'s models, when named) or `model`'s detail page. */
  showPage(request: { model?: string; user?: string }): void {
    this.route = {
      ...(request.model ? { model: request.model } : {}),
      ...(request.user ? { user: request.user } : {}),
      serial: this.route.serial + 1,
    };
    this.update();
  }

  /** Applies new settings. */
  setSettings(settings: MainAreaSettings): void {
    this.settings = settings;
    this.update();
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    // Polling pauses while hidden: the data may be stale.
    this.refreshes += 1;
    this.update();
  }

  protected render(): React.ReactElement {
    return (
      <ModelsMainView
        {...this.options}
        settings={this.settings}
        route={this.route}
        navigate={(route) => this.showPage(route)}
        refreshes={this.refreshes}
        isVisible={() => this.isVisible}
      />
    );
  }
}
