import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import type { ITuringClient, Job } from '@turing/client';
import React from 'react';

import type { ViewRequest } from './jobs-main-view';
import { JobsMainView } from './jobs-main-view';
import type { MainAreaSettings } from './view-settings';
import { DEFAULT_MAIN_AREA_SETTINGS } from './view-settings';

/** Options of {@link JobsMainWidget}. */
export interface JobsMainWidgetOptions {
  client: ITuringClient;
  contents: Contents.IManager;
  commands: CommandRegistry;
  docManager: IDocumentManager | null;
  /** Opens the Schedule dialog on a job; resolves with the saved job or `null`. */
  editJob: (job: Job) => Promise<Job | null>;
  trans: TranslationBundle;
}

/** The content of the "Turing Jobs" main-area tab: the jobs table or a job's detail page. */
export class JobsMainWidget extends ReactWidget {
  private settings: MainAreaSettings = { ...DEFAULT_MAIN_AREA_SETTINGS };
  private request: ViewRequest = { serial: 0 };
  private refreshes = 0;

  constructor(private readonly options: JobsMainWidgetOptions) {
    super();
    this.addClass('jp-Turing-JobsMain');
  }

  /** Applies new settings. */
  setSettings(settings: MainAreaSettings): void {
    this.settings = settings;
    this.update();
  }

  /** Shows the table (no `job`), or the detail page of `job` (of `owner`, default yours) with the log of `run`. */
  reveal(job?: string, owner?: string, run?: string): void {
    this.request = { job, owner, run, serial: this.request.serial + 1 };
    this.update();
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    // Polling pauses while the tab is hidden: what it shows may be stale.
    this.refreshes += 1;
    this.update();
  }

  protected render(): React.ReactElement {
    return (
      <JobsMainView
        {...this.options}
        settings={this.settings}
        request={this.request}
        refreshes={this.refreshes}
        isVisible={() => this.isVisible}
      />
    );
  }
}
