import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Job } from '@turing/client';
import { usePolling } from '@turing/ui';
import React, { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

import type { JobRef } from '../job-requests';
import { jobKey, sameJob } from '../job-requests';
import { JobDetailPage } from './job-detail-page';
import { JOB_KEY_ATTRIBUTE } from './job-table-model';
import { JobsTablePage } from './jobs-table';
import { useJobActions } from './use-job-actions';
import type { MainAreaSettings } from './view-settings';

/** A request to show the table (no `job`) or a job's detail page, e.g. from `turing:open-jobs-view`. */
export interface ViewRequest {
  job?: string;
  /** The job's owner; default the viewer. */
  owner?: string;
  /** The run whose log the detail page shows. */
  run?: string;
  serial: number;
}

/** Props of {@link JobsMainView}. */
export interface JobsMainViewProps {
  client: ITuringClient;
  contents: Contents.IManager;
  commands: CommandRegistry;
  docManager: IDocumentManager | null;
  editJob: (job: Job) => Promise<Job | null>;
  settings: MainAreaSettings;
  request: ViewRequest;
  /** Bumped to reload (when the tab is shown again). */
  refreshes: number;
  /** Whether the tab is shown (polling pauses while it is not). */
  isVisible: () => boolean;
  trans: TranslationBundle;
}

/**
 * The main-area jobs view: the jobs table, and a job's detail page in its
 * place. The table stays mounted (hidden) under a detail page, so its sort,
 * filter and page survive a visit, and focus returns to the job's name.
 */
export function JobsMainView(props: JobsMainViewProps): React.ReactElement {
  const { client, contents, commands, docManager, editJob, settings, request, refreshes, isVisible, trans } =
    props;
  const viewer = client.connection.hub.user;
  const [open, setOpen] = useState<{ job: JobRef; run: string | null; serial: number } | null>(null);
  const root = useRef<HTMLDivElement>(null);
  // The job whose name gets the focus back when the table shows again.
  const returnTo = useRef<string | null>(null);

  const jobs = usePolling(
    'jobs',
    () => client.jobs.list(),
    () => settings.listRefreshSeconds * 1000,
    () => !isVisible(),
  );
  const reloadJobs = jobs.reload;
  const actions = useJobActions({ client, contents, editJob, trans, onSettled: reloadJobs });

  useEffect(() => {
    if (request.serial === 0) {
      return;
    }
    if (request.job) {
      setOpen({
        job: { name: request.job, owner: request.owner ?? viewer },
        run: request.run ?? null,
        serial: request.serial,
      });
    } else {
      setOpen(null);
    }
    reloadJobs();
  }, [request]);

  useEffect(() => {
    if (refreshes > 0) {
      reloadJobs();
    }
  }, [refreshes]);

  const openJob = useCallback(
    (job: JobRef) => setOpen({ job: { name: job.name, owner: job.owner }, run: null, serial: 0 }),
    [],
  );
  // After a delete the job's row is about to go: the focus goes to the table's heading instead.
  const backToTable = useCallback((deleted: boolean) => {
    setOpen((current) => {
      returnTo.current = current && !deleted ? jobKey(current.job) : '';
      return null;
    });
  }, []);

  useLayoutEffect(() => {
    if (open || returnTo.current === null || !root.current) {
      return;
    }
    const key = returnTo.current;
    returnTo.current = null;
    const name = [...root.current.querySelectorAll<HTMLElement>(`[${JOB_KEY_ATTRIBUTE}]`)].find(
      (el) => key !== '' && el.getAttribute(JOB_KEY_ATTRIBUTE) === key,
    );
    // The job may be gone or on another page: then the table's heading.
    (name ?? root.current.querySelector<HTMLElement>('.jp-Turing-JobsTable-title'))?.focus();
  }, [open]);

  const job = open ? jobs.data?.items.find((j) => sameJob(j, open.job)) : undefined;
  return (
    <div ref={root} className="jp-Turing-JobsMain-pages">
      <JobsTablePage
        hidden={open !== null}
        jobs={jobs}
        viewer={viewer}
        actions={actions}
        initialPageSize={settings.pageSize}
        onOpen={openJob}
        trans={trans}
      />
      {open && (
        <JobDetailPage
          // A new request for the same job (another run) starts the page afresh.
          key={`${jobKey(open.job)}#${open.serial}`}
          jobRef={open.job}
          job={job ?? null}
          jobsLoaded={jobs.data !== null}
          initialRun={open.run}
          client={client}
          contents={contents}
          commands={commands}
          docManager={docManager}
          settings={settings}
          actions={actions}
          isVisible={isVisible}
          refreshes={refreshes}
          onJobsStale={reloadJobs}
          onBack={backToTable}
          trans={trans}
        />
      )}
    </div>
  );
}
