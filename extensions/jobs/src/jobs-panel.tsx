import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, SidePanel } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import type { ITuringClient, Job } from '@turing/client';
import React from 'react';

import { jobsIcon } from './icons';
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
  trans: TranslationBundle;
}

/** The React body of the jobs panel; settings and reveal requests re-render it. */
export class JobsBody extends ReactWidget {
  private settings: PanelSettings = { ...DEFAULT_PANEL_SETTINGS };
  private request: RevealRequest = { serial: 0 };
  private refreshes = 0;
  private selectedJob: string | undefined;

  constructor(private readonly options: JobsBodyOptions) {
    super();
    this.addClass('jp-Turing-Jobs-body');
  }

  /** The job selected in the panel, if any. */
  get selectedJobName(): string | undefined {
    return this.selectedJob;
  }

  /** Applies new settings. */
  setSettings(settings: PanelSettings): void {
    this.settings = settings;
    this.update();
  }

  /** Shows a job (and the log of one of its runs), and reloads the lists. */
  reveal(job?: string, run?: string): void {
    this.request = { job, run, serial: this.request.serial + 1 };
    this.update();
  }

  /** Reloads the lists. */
  refresh(): void {
    this.refreshes += 1;
    this.update();
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    // Lists may be stale: polling pauses while the panel is hidden.
    this.refresh();
  }

  protected render(): React.ReactElement {
    return (
      <JobsView
        {...this.options}
        settings={this.settings}
        request={this.request}
        refreshes={this.refreshes}
        isVisible={() => this.isVisible}
        onSelectedChange={(name) => (this.selectedJob = name ?? undefined)}
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
  const panel = new SidePanel({ content: new Panel() });
  panel.id = PANEL_ID;
  panel.addClass('jp-Turing-Jobs-panel');
  panel.title.icon = jobsIcon;
  panel.title.caption = trans.__('Turing Jobs');
  panel.node.setAttribute('role', 'region');
  panel.node.setAttribute('aria-label', trans.__('Turing Jobs'));
  const body = new JobsBody(options);
  body.title.label = trans.__('Jobs');
  panel.addWidget(body);
  return { panel, body };
}
