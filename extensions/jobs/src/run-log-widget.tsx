import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { ITuringClient, Run } from '@turing/client';
import { openMainAreaView, usePolling } from '@turing/ui';
import React from 'react';

import { isActive } from './format';
import { jobsIcon } from './icons';
import { RunLog } from './run-log';

/** What a main-area run log needs. */
export interface RunLogViewOptions {
  client: ITuringClient;
  /** Milliseconds between run (and fallback log) reloads while it is active. */
  pollMs: number;
  trans: TranslationBundle;
}

/** The run polled while active (its state ends the log's polling fallback), and its log. */
function LiveRunLog({ run, options }: { run: Run; options: RunLogViewOptions }): React.ReactElement {
  const { client, pollMs, trans } = options;
  const polled = usePolling(
    `${run.owner}/${run.id}`,
    () => client.jobs.getRun(run.id, { user: run.owner }),
    (data) => (isActive(data ?? run) ? pollMs : null),
  );
  const current = polled.data ?? run;
  return (
    <RunLog
      client={client}
      run={current}
      pollMs={pollMs}
      title={trans.__('Log of run %1 of job %2', run.id, run.job)}
      fill
      trans={trans}
    />
  );
}

/** The widget id of a run's log view: one per run. */
export function runLogViewId(run: Pick<Run, 'id' | 'owner'>): string {
  return `turing-run-log-${run.owner}-${run.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Opens (or shows again) the live log of `run` in the main area. */
export function openRunLogInMainArea(
  app: JupyterFrontEnd,
  run: Run,
  options: RunLogViewOptions,
): MainAreaWidget {
  const { trans } = options;
  return openMainAreaView(app, {
    id: runLogViewId(run),
    label: trans.__('Log: %1', run.id),
    caption: trans.__('Live log of run %1 of job %2', run.id, run.job),
    icon: jobsIcon,
    create: () => {
      const widget = ReactWidget.create(<LiveRunLog run={run} options={options} />);
      widget.addClass('jp-Turing-Jobs-logView');
      return widget;
    },
  });
}
