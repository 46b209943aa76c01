import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { ApiStack, type ApiRun } from '../support/api-stack.js';
import { eventually } from '../support/eventually.js';

interface AdminRun extends ApiRun {
  environment: string;
  createdAt: string;
  startedAt?: string;
  links: { log: string; outputHtml?: string; outputIpynb?: string };
}
interface AdminJob {
  name: string;
  owner: string;
  environment: string;
  state: string;
  suspended: boolean;
}
interface Page<T> {
  items: T[];
  next?: string;
}

/**
 * The admin view of every user's jobs and runs against the real hub and
 * kube-apiserver (kwok runs the pods): alice and bob each have jobs and
 * runs; the admin lists, filters and pages them, follows the log and output
 * links, cancels alice's running run and pauses then resumes bob's
 * scheduled job through the user routes; users are refused the listings.
 */
describe('admin: all jobs and runs (real hub, kubernetes runtime)', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const stack = new ApiStack(kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const objects = kc.makeApiClient(CustomObjectsApi);
  let etlRuns: ApiRun[] = [];
  let trainRun: ApiRun;
  let hangRun: ApiRun;

  const admin = <T>(path: string, init: RequestInit = {}, status = 200) =>
    stack.json<T>('admin', path, init, status);
  const runsPage = (query = '') => admin<Page<AdminRun>>(`/api/v1/admin/runs${query}`);
  const jobsPage = (query = '') => admin<Page<AdminJob>>(`/api/v1/admin/jobs${query}`);
  const runIds = async (query: string) => (await runsPage(query)).items.map((r) => r.id).sort();
  const jobKeys = async (query: string) =>
    (await jobsPage(query)).items.map((j) => `${j.owner}/${j.name}`).sort();
  /** What the leader's controller last reported of bob/train's schedule (its Ready message), once current. */
  const scheduleReported = async () => {
    const job = (await objects.getNamespacedCustomObject({
      group: 'turing.dev',
      version: 'v1alpha1',
      namespace: stack.namespace,
      plural: 'notebookjobs',
      name: jobObjectName('bob', 'train'),
    })) as {
      metadata: { generation: number };
      status?: { observedGeneration?: number; conditions?: Array<{ type: string; message?: string }> };
    };
    if (job.status?.observedGeneration !== job.metadata.generation) return undefined;
    return job.status.conditions?.find((c) => c.type === 'Ready')?.message;
  };
  const schedulePaused = async () => (await scheduleReported()) === 'Schedule paused';
  const scheduleLive = async () => (await scheduleReported()) === 'Scheduled';

  beforeAll(async () => {
    await stack.start();
    await stack.createJob('alice', 'etl', { concurrency: 'allow' });
    await stack.createJob('bob', 'train', {
      environment: 'xgboost-cpu',
      schedule: { cron: '0 2 * * *', timezone: 'UTC' },
    });
    await stack.runJob('alice', 'etl');
    await stack.runJob('alice', 'etl');
    await stack.runJob('bob', 'train');
    etlRuns = await stack.runsSettled('alice', 'etl');
    [trainRun] = (await stack.runsSettled('bob', 'train')) as [ApiRun];
    await stack.storeOutputs(etlRuns[0] as ApiRun);

    // Starts strictly after the runs above, at the seconds Kubernetes keeps: a clean time boundary.
    await new Promise((r) => setTimeout(r, 1100));
    hangRun = await stack.startHangingRun('alice', 'hangs');
  }, 240_000);
  afterAll(() => stack.stop(), 60_000);

  it("shows the admin both users' jobs and runs with owner, environment and links", async () => {
    expect(await jobKeys('')).toEqual(['alice/etl', 'alice/hangs', 'bob/train']);
    const runs = (await runsPage()).items;
    expect(runs.map((r) => r.id).sort()).toEqual(
      [...etlRuns.map((r) => r.id), trainRun.id, hangRun.id].sort(),
    );
    expect(runs[0]?.id, 'newest first').toBe(hangRun.id);
    const train = runs.find((r) => r.id === trainRun.id);
    expect(train).toMatchObject({
      owner: 'bob',
      job: 'train',
      state: 'succeeded',
      environment: 'xgboost-cpu',
      links: { log: `api/v1/runs/${trainRun.id}/log` },
    });
    expect(runs.find((r) => r.id === hangRun.id)).toMatchObject({
      owner: 'alice',
      state: 'running',
      environment: 'cpu-base',
    });
  });

  it('narrows jobs and runs by user, state, environment, job name and time', async () => {
    expect(await jobKeys('?user=bob')).toEqual(['bob/train']);
    expect(await jobKeys('?environment=xgboost-cpu')).toEqual(['bob/train']);
    expect(await jobKeys('?q=ET')).toEqual(['alice/etl']);
    expect(await jobKeys('?user=alice&state=active')).toEqual(['alice/etl', 'alice/hangs']);
    expect(await jobKeys('?state=suspended')).toEqual([]);

    const all = (await runsPage()).items;
    const hang = all.find((r) => r.id === hangRun.id) as AdminRun;
    const hangStart = hang.startedAt ?? hang.createdAt;
    const before = new Date(Date.parse(hangStart) - 1000).toISOString();
    expect(await runIds('?user=bob')).toEqual([trainRun.id]);
    expect(await runIds('?user=alice')).toEqual([...etlRuns.map((r) => r.id), hangRun.id].sort());
    expect(await runIds('?job=etl')).toEqual(etlRuns.map((r) => r.id).sort());
    expect(await runIds('?state=running')).toEqual([hangRun.id]);
    expect(await runIds('?environment=xgboost-cpu')).toEqual([trainRun.id]);
    expect(await runIds(`?since=${encodeURIComponent(hangStart)}`)).toEqual([hangRun.id]);
    expect(await runIds(`?until=${encodeURIComponent(before)}`)).toEqual(
      [...etlRuns.map((r) => r.id), trainRun.id].sort(),
    );
    expect(await runIds(`?user=bob&since=${encodeURIComponent(hangStart)}`)).toEqual([]);
  });

  it('pages through every run exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await runsPage(`?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items).toHaveLength(1);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual((await runsPage()).items.map((r) => r.id));
    expect(new Set(seen).size).toBe(4);
  });

  it('follows the log and output links of a run, served sandboxed', async () => {
    const stored = etlRuns[0] as ApiRun;
    const run = (await runsPage('?job=etl')).items.find((r) => r.id === stored.id) as AdminRun;
    expect(run.links).toEqual({
      log: `api/v1/runs/${stored.id}/log`,
      outputHtml: `api/v1/runs/${stored.id}/output?format=html`,
      outputIpynb: `api/v1/runs/${stored.id}/output?format=ipynb`,
    });
    for (const link of [run.links.log, run.links.outputHtml, run.links.outputIpynb]) {
      const res = await stack.call(stack.tokens.admin, `/${link ?? ''}`);
      expect(res.status, link).toBe(200);
      expect(res.headers.get('content-security-policy'), link).toMatch(/^sandbox; default-src 'none'/);
      expect(res.headers.get('x-content-type-options'), link).toBe('nosniff');
      const text = await res.text();
      expect(text, link).toContain('hello');
    }
    // alice's own view of the same log is what the admin got.
    const own = await stack.call(stack.tokens.alice, `/${run.links.log}`);
    expect(await own.text()).toBe('hello\n');
  });

  it("lets the admin cancel alice's running run; alice sees it cancelled", async () => {
    const cancelled = await admin<ApiRun>(`/api/v1/runs/${hangRun.id}`, { method: 'DELETE' });
    expect(cancelled).toMatchObject({ id: hangRun.id, owner: 'alice', state: 'cancelled' });
    // Reads come from the informer caches: they follow within moments.
    await eventually(
      'alice and the listing to see it cancelled',
      10_000,
      async () =>
        (await stack.json<ApiRun>('alice', `/api/v1/runs/${hangRun.id}`)).state === 'cancelled' &&
        (await runIds('?state=running')).length === 0,
      100,
    );
    expect(await runIds('?state=cancelled')).toEqual([hangRun.id]);
  });

  it("lets the admin pause and resume bob's scheduled job; bob and the controller follow", async () => {
    await stack.jobReconciled('bob', 'train');
    await eventually('the schedule of bob/train live', 30_000, scheduleLive, 250);

    const paused = await admin<AdminJob>('/api/v1/jobs/train?user=bob', {
      method: 'PATCH',
      body: JSON.stringify({ suspend: true }),
    });
    expect(paused).toMatchObject({ owner: 'bob', suspended: true, state: 'paused' });
    expect(await stack.json<AdminJob>('bob', '/api/v1/jobs/train')).toMatchObject({
      suspended: true,
      state: 'paused',
    });
    await eventually(
      'the listing to show it paused',
      10_000,
      async () => (await jobKeys('?state=suspended')).length > 0,
      100,
    );
    expect(await jobKeys('?state=suspended')).toEqual(['bob/train']);
    await eventually('the schedule reported paused', 30_000, schedulePaused, 250);

    const resumed = await admin<AdminJob>('/api/v1/jobs/train?user=bob', {
      method: 'PATCH',
      body: JSON.stringify({ suspend: false }),
    });
    expect(resumed).toMatchObject({ suspended: false, state: 'scheduled' });
    expect(await stack.json<AdminJob>('bob', '/api/v1/jobs/train')).toMatchObject({ suspended: false });
    await eventually(
      'the listing to show it resumed',
      10_000,
      async () => (await jobKeys('?state=suspended')).length === 0,
      100,
    );
    expect(await jobKeys('?user=bob&state=active')).toEqual(['bob/train']);
    await eventually('the schedule reported live again', 30_000, scheduleLive, 250);
  });

  it('refuses the admin listings to users with 403 and to anonymous callers with 401', async () => {
    for (const path of ['/api/v1/admin/jobs', '/api/v1/admin/runs', '/api/v1/admin/runs?user=alice']) {
      for (const user of ['alice', 'bob'] as const) {
        const res = await stack.call(stack.tokens[user], path);
        expect(res.status, `${user} ${path}`).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(await res.text()).not.toContain(hangRun.id);
      }
      expect((await stack.call(undefined, path)).status, `anonymous ${path}`).toBe(401);
    }
  });
});
