import type { NotebookJob, NotebookJobSpec } from '../../hub-proxy/src/jobs/model.js';
import {
  RUNNER_TOKEN_KEY,
  cronJobName,
  runnerSecretName,
} from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { isKubeError } from '../../hub-proxy/src/k8s/index.js';
import { eventually } from '../support/eventually.js';
import { legacyCronJob } from '../support/legacy-cron-job.js';
import { notebookJobFixture } from '../support/notebook-job-fixtures.js';
import {
  rule,
  type BaseObjects,
  type HubProxyAsServiceAccount,
  type HubProxyOperation,
} from './rbac-hub-proxy.js';

const SCHEDULE = { cron: '0 2 * * *', timezone: 'UTC' };

/**
 * The jobs feature's operations (hub-proxy/src/jobs/kubernetes/): the
 * NotebookJob store, runs as batch Jobs (scheduled ones too), the removal
 * of CronJobs an earlier version made, status, runner Secrets. One per (resource, verb) the Role grants.
 */
export function jobOperations(hp: HubProxyAsServiceAccount, base: BaseObjects): HubProxyOperation[] {
  const { admin, namespace } = hp;
  // hub-proxy's side exists once the fixture has started; operations only run after that.
  const jobs = () => hp.jobs.definitions;
  const baseJob = () => base.job.metadata.name ?? '';
  const newJob = (spec: Partial<NotebookJobSpec> = {}) =>
    jobs().create(notebookJobFixture('alice', hp.fresh('job'), spec));
  const startRun = (job: NotebookJob) => hp.jobs.startRun(job, { trigger: 'manual' }).then((run) => run.id);
  let job: NotebookJob;
  let runId = '';

  const cronJob = (name: string) => admin.batch.readNamespacedCronJob({ namespace, name: cronJobName(name) });
  /** The CronJob an earlier version would have made for `job` (by the admin). */
  const createLegacyCronJob = async () =>
    void (await admin.batch.createNamespacedCronJob({ namespace, body: legacyCronJob(job) }));
  /** As the API's PATCH: read, replace at that version, read again after losing to the controller's status write. */
  const replaceJob = async (edit: (spec: NotebookJobSpec) => NotebookJobSpec) => {
    for (let attempt = 1; ; attempt++) {
      const stored = await jobs().get(job.metadata.name ?? '');
      try {
        await jobs().replace({ ...stored, spec: edit(stored.spec) });
        return;
      } catch (err) {
        if (!isKubeError(err, 'conflict') || attempt === 10) throw err;
      }
    }
  };
  const freshJob = async () => void (job = await newJob());
  /** `job`'s runner Secret, once the controller has applied it. */
  const runnerSecret = (of: NotebookJob) =>
    eventually('the runner Secret', 10_000, () =>
      admin.core
        .readNamespacedSecret({ namespace, name: runnerSecretName(of.metadata.name ?? '') })
        .catch(() => undefined),
    );

  const notebookJobs = rule('turing.dev', 'notebookjobs');
  const batchJobs = rule('batch', 'jobs');
  const cronJobs = rule('batch', 'cronjobs');
  const secrets = rule('', 'secrets');

  return [
    {
      grant: notebookJobs('get'),
      name: 'reading a job',
      run: async () => void (await jobs().get(baseJob())),
    },
    {
      grant: notebookJobs('list'),
      name: 'listing jobs',
      run: async () => void (await jobs().list({ limit: 5 })),
    },
    {
      grant: notebookJobs('watch'),
      name: 'a new replica’s NotebookJob cache syncs',
      run: () => hp.follow((hooks) => hp.jobRuntime(undefined, hooks).caches.notebookJobs),
    },
    { grant: notebookJobs('create'), name: 'creating a job', run: async () => void (await newJob()) },
    {
      grant: notebookJobs('update'),
      name: 'editing a job',
      prepare: freshJob,
      run: () => replaceJob((spec) => ({ ...spec, parameters: { n: 2 } })),
    },
    {
      grant: notebookJobs('delete'),
      name: 'deleting a job',
      prepare: freshJob,
      run: () => jobs().delete(job.metadata.name ?? ''),
    },
    {
      grant: rule('turing.dev', 'notebookjobs/status')('patch'),
      name: 'recording an alert delivery in the job’s status',
      run: () =>
        hp.jobs.recordAlertDelivery(baseJob(), {
          run: base.runId,
          event: 'failure',
          target: 'https://hooks.example',
          delivered: true,
          attempts: 1,
          at: new Date().toISOString(),
        }),
    },
    {
      grant: rule('turing.dev', 'notebookjobs/finalizers')('update'),
      name: 'starting a run, whose Job names the NotebookJob as its blocking owner',
      refusedBy: 'blockOwnerDeletion',
      run: async () => void (await startRun(base.job)),
    },

    {
      grant: batchJobs('get'),
      name: 'cancelling a run',
      run: async () => void (await hp.jobs.cancelRun(base.runId)),
    },
    {
      grant: batchJobs('list'),
      name: 'listing a job’s runs before the cache syncs',
      run: async () => void (await hp.jobRuntime().listRuns(baseJob())),
    },
    {
      grant: batchJobs('watch'),
      name: 'a new replica’s run cache syncs',
      run: () => hp.follow((hooks) => hp.jobRuntime(undefined, hooks).caches.jobs),
    },
    { grant: batchJobs('create'), name: 'starting a run', run: async () => void (await startRun(base.job)) },
    {
      grant: batchJobs('patch'),
      name: 'recording a run’s progress',
      run: () => hp.jobs.recordProgress(base.runId, { cell: 1, cells: 2 }),
    },
    {
      grant: batchJobs('delete'),
      name: 'deleting a run',
      prepare: async () => void (runId = await startRun(base.job)),
      run: () => hp.jobs.deleteRun(runId),
    },

    {
      grant: cronJobs('list'),
      name: 'a new replica’s CronJob cache lists',
      run: () => hp.follow((hooks) => hp.jobRuntime(undefined, hooks).caches.cronJobs),
    },
    {
      grant: cronJobs('watch'),
      name: 'a new replica’s CronJob cache syncs',
      run: () => hp.follow((hooks) => hp.jobRuntime(undefined, hooks).caches.cronJobs),
    },
    {
      grant: cronJobs('delete'),
      name: 'the controller removes the CronJob an earlier version made',
      prepare: async () => void (job = await newJob({ schedule: SCHEDULE })),
      // The CronJob appears only in run, after the grant is gone: made in
      // prepare, the controller (still holding the full Role) could remove it
      // before the Role changed, and the refusal would never be seen.
      run: async () => {
        await createLegacyCronJob();
        await hp.reconciled(
          job.metadata.name ?? '',
          0,
          async () => !(await hp.exists(() => cronJob(job.metadata.name ?? ''))),
        );
      },
    },

    {
      grant: secrets('get'),
      name: 'starting a run checks the runner Secret',
      run: async () => void (await startRun(base.job)),
    },
    {
      grant: secrets('create'),
      name: 'the first run of a new job creates its runner Secret',
      run: async () => void (await startRun(await newJob())),
    },
    {
      grant: secrets('patch'),
      name: 'starting a run renews a runner token that no longer verifies',
      prepare: async () => {
        job = await newJob();
        const secret = await runnerSecret(job);
        const bogus = Buffer.from('not-a-token').toString('base64');
        await hp.adminPatch('v1', 'Secret', secret.metadata?.name ?? '', {
          data: { [RUNNER_TOKEN_KEY]: bogus },
        });
      },
      run: async () => void (await startRun(job)),
    },
    {
      grant: secrets('delete'),
      name: 'starting a run takes over a runner Secret the job does not own',
      refusedBy: 'ownerReference',
      // As when a deleted job's Secret outlives it and a job of the same name is created.
      prepare: async () => {
        job = await newJob();
        const secret = await runnerSecret(job);
        await hp.adminPatch('v1', 'Secret', secret.metadata?.name ?? '', {
          metadata: { ownerReferences: null },
        });
      },
      run: async () => void (await startRun(job)),
    },
  ];
}
