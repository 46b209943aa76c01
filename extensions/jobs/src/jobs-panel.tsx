import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { SidePanel } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Job, Run } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { ViewWidget, createSidePanel } from '@turing/ui';
import React from 'react';

import { jobsIcon } from './icons';
import type { JobRef } from './job-requests';
import type { RevealRequest } from './jobs-view';
import { JobsView } from './jobs-view';
import type { PanelSettings } from './settings';
import { DEFAULT_PANEL_SETTINGS } from './settings';
import { PANEL_ID } from './tokens';

/** Options of {@link JobsBody}. */
export interface JobsBodyOptions {
  client: ITuringClient;
  contents: Contents.IManager;
  commands: CommandRegistry;
  docManager: IDocumentManager | null;
  editJob: (job: Job) => Promise<Job | null>;
  /** Opens a run's live log in the main area. */
  openRunLog?: (run: Run) => void;
  trans: TranslationBundle;
}

/** The React body of the jobs panel; settings and reveal requests re-render it. */
export class JobsBody extends ViewWidget<PanelSettings, RevealRequest> {
  private selected: JobRef | undefined;

  constructor(private readonly options: JobsBodyOptions) {
    super({ ...DEFAULT_PANEL_SETTINGS }, { serial: 0 });
    this.addClass('jp-Turing-Jobs-body');
  }

  /** The job selected in the panel (name and owner), if any. */
  get selectedJob(): JobRef | undefined {
    return this.selected;
  }

  /**
   * Shows a job (of `owner`, default the home's owner; and the log of one of
   * its runs), and reloads the lists. `error` is shown in the panel's alert.
   */
  reveal(job?: string, run?: string, owner?: string, error?: ShownError): void {
    this.requestView({ job, owner, run, ...(error ? { error } : {}) });
  }

  protected render(): React.ReactElement {
    return (
      <JobsView
        {...this.options}
        {...this.viewState}
        onSelectedChange={(job) => (this.selected = job ?? undefined)}
      />
    );
  }
}

/** The jobs side panel and its body. */
export interface JobsPanel {
  panel: SidePanel;
  body: JobsBody;
}

/** Creates the side panel with its icon, caption and accessible label. */
export function createJobsPanel(options: JobsBodyOptions): JobsPanel {
  const { trans } = options;
  const body = new JobsBody(options);
  const panel = createSidePanel({
    id: PANEL_ID,
    className: 'jp-Turing-Jobs-panel',
    icon: jobsIcon,
    caption: trans.__('Turing Jobs'),
    body,
    label: trans.__('Jobs'),
  });
  return { panel, body };
}
