import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Job } from '@turing/client';
import { ViewWidget } from '@turing/ui';
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
export class JobsMainWidget extends ViewWidget<MainAreaSettings, ViewRequest> {
  constructor(private readonly options: JobsMainWidgetOptions) {
    super({ ...DEFAULT_MAIN_AREA_SETTINGS }, { serial: 0 });
    this.addClass('jp-Turing-JobsMain');
  }

  /** Shows the table (no `job`), or the detail page of `job` (of `owner`, default yours) with the log of `run`. */
  reveal(job?: string, owner?: string, run?: string): void {
    this.requestView({ job, owner, run });
  }

  protected render(): React.ReactElement {
    return <JobsMainView {...this.options} {...this.viewState} />;
  }
}
