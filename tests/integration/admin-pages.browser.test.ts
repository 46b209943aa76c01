import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seriousViolations } from '../support/accessibility.js';
import { ApiStack, type ApiRun } from '../support/api-stack.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { ModelsApi, seededModel } from '../support/model-publishing.js';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const images = resolve(repoRoot, 'docs/images');
const MODEL = 'ctr-admin';
const GPU = 'nvidia.com/gpu';

type Theme = 'light' | 'dark';
interface Versioned {
  version: string;
}
interface GpuTotals {
  available: boolean;
  totals: { capacity: number; allocated: number; free: number };
  byUser: Array<{ user: string; server: number; total: number }>;
}
interface AuditEntry {
  action: string;
  actor: { name: string };
  object: { kind: string; name?: string };
  result: { outcome: string };
}

/**
 * A pod holding `gpus` GPUs of `product`: with `user`, labelled as KubeSpawner
 * labels that user's server pod; without, an unrelated workload.
 */
function gpuPod(namespace: string, name: string, product: string, gpus: number, user?: string): V1Pod {
  return {
    metadata: {
      name,
      namespace,
      ...(user
        ? {
            labels: { component: 'singleuser-server', app: 'jupyterhub', 'hub.jupyter.org/username': user },
            annotations: { 'hub.jupyter.org/username': user },
          }
        : { labels: { app: 'benchmark' } }),
    },
    spec: {
      restartPolicy: 'Never',
      nodeSelector: { 'nvidia.com/gpu.product': product },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'notebook',
          image: 'quay.io/jupyter/base-notebook:2026-11-01',
          resources: { requests: { [GPU]: String(gpus) }, limits: { [GPU]: String(gpus) } },
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    },
  };
}

/**
 * Issue 14's admin pages in Chromium, served by hub-proxy from the real
 * `admin-ui/dist` build behind a real JupyterHub, on the kubernetes runtime
 * (the shared kube-apiserver, kwok GPU nodes). A plain user gets the 403
 * page; the admin opens every page, performs one action on each (edit an
 * environment through a stale-write conflict, change a quota, cancel a run,
 * scale a model), sees the effects through the API and the actions in the
 * audit log; axe finds nothing serious in light and dark; screenshots go to
 * docs/images.
 */
describe('admin pages (Chromium, real hub, kubernetes runtime)', () => {
  const kubeconfigPath = inject('kubeconfigPath');
  const stack = new ApiStack(kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let hangRun: ApiRun;

  const admin = <T>(path: string, init: RequestInit = {}, status = 200) =>
    stack.json<T>('admin', path, init, status);
  const adminUrl = (pageId = '') => `${stack.base}/admin/${pageId}`;
  /** alice's model as the admin API lists it. */
  const aliceModel = async () => {
    const { items } = await admin<{
      items: Array<{ name: string; replicas: { min: number; max: number }; apiKeys: unknown[] }>;
    }>('/api/v1/admin/models');
    const found = items.find((m) => m.name === MODEL);
    if (!found) throw new Error(`${MODEL} is not listed`);
    return found;
  };

  const noSerious = async (what: string): Promise<void> => {
    const found = await seriousViolations(page, 'body');
    expect(found, `${what}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  };

  const chooseTheme = async (theme: Theme | 'system'): Promise<void> => {
    await page
      .getByTestId('theme-toggle')
      .getByText(theme === 'system' ? 'System' : theme === 'dark' ? 'Dark' : 'Light', { exact: true })
      .click();
    if (theme !== 'system') {
      await page.waitForSelector(`html[data-turing-theme="${theme}"]`, { state: 'attached' });
    }
  };

  /** Scans the page in both themes, ending in light. */
  const scanBothThemes = async (what: string): Promise<void> => {
    await noSerious(`${what} (light)`);
    await chooseTheme('dark');
    await noSerious(`${what} (dark)`);
    await chooseTheme('light');
  };

  const openPage = async (pageId: string, heading: string): Promise<void> => {
    await page
      .getByRole('navigation', { name: 'Admin pages' })
      .getByRole('link', { name: heading, exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/services/turing/admin/${pageId}`);
    await expect.poll(() => page.title()).toBe(`${heading} – Turing admin`);
  };

  const screenshot = (name: string) => page.screenshot({ path: resolve(images, `admin-${name}.png`) });

  beforeAll(async () => {
    mkdirSync(images, { recursive: true });
    // The pages under test are the current sources, not a stale build.
    // NODE_ENV: vitest sets `test`, which would bundle React's development build.
    await execFileAsync('npx', ['vite', 'build', '--logLevel', 'warn'], {
      cwd: resolve(repoRoot, 'admin-ui'),
      env: { ...process.env, NODE_ENV: 'production' },
    });
    await stack.start();

    // alice: a finished run and a run that stays Running (kwok "hang"); bob: a scheduled job.
    await stack.createJob('alice', 'etl');
    await stack.runJob('alice', 'etl');
    await stack.runsSettled('alice', 'etl');
    await stack.createJob('bob', 'train', { schedule: { cron: '0 2 * * *', timezone: 'UTC' } });
    hangRun = await stack.startHangingRun('alice', 'hangs');

    // A served model of alice's, and a GPU server pod of hers on the A100 node.
    const publisher = new ModelsApi(stack.hub.url, stack.tokens.alice);
    await publisher.create(MODEL);
    await publisher.publishFile(MODEL, seededModel);
    await publisher.json(
      `/api/v1/models/${MODEL}/api-keys`,
      { method: 'POST', body: JSON.stringify({ label: 'batch' }) },
      201,
    );
    for (const pod of [
      gpuPod(stack.namespace, 'jupyter-alice-gpu', 'NVIDIA-A100-SXM4-80GB', 1, 'alice'),
      gpuPod(stack.namespace, 'jupyter-bob-gpu', 'Tesla-T4', 1, 'bob'),
      gpuPod(stack.namespace, 'benchmark-gpu', 'NVIDIA-A100-SXM4-80GB', 2),
    ]) {
      await core.createNamespacedPod({ namespace: stack.namespace, body: pod });
    }
    await eventually(
      "alice's GPU server counted",
      60_000,
      async () => {
        const usage = await admin<GpuTotals>('/api/v1/admin/gpu-usage');
        return ['alice', 'bob'].every((user) => usage.byUser.some((u) => u.user === user && u.server === 1));
      },
      250,
    );
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  }, 60_000);

  it('answers a plain user with the 403 page on every admin page', async () => {
    const plain = await launchChromium();
    try {
      const userPage = await plain.context.newPage();
      await userPage.goto(`${stack.hub.url}/hub/login?next=${encodeURIComponent('/services/turing/admin/')}`);
      await userPage.fill('input[name=username]', 'bob');
      await userPage.fill('input[name=password]', 'any-password');
      await userPage.click('[type=submit]');
      await userPage.waitForURL(/\/services\/turing\/admin\/$/, { timeout: 60_000 });
      const answer = await userPage.reload();
      expect(answer?.status()).toBe(403);
      await expect.poll(() => userPage.locator('body').innerText()).toMatch(/admin/i);
      expect(await userPage.locator('#turing-admin-root').count()).toBe(0);
      for (const pageId of ['environments', 'quotas', 'jobs', 'models', 'gpus', 'audit']) {
        const response = await userPage.goto(adminUrl(pageId));
        expect(response?.status(), pageId).toBe(403);
      }
    } finally {
      await plain.close();
    }
  });

  it('logs the admin in through the hub and shows the navigation and the catalog', async () => {
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${stack.hub.url}/hub/login?next=${encodeURIComponent('/services/turing/admin/')}`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'any-password');
    await page.click('[type=submit]');
    await page.waitForURL(/\/services\/turing\/admin\/$/, { timeout: 60_000 });
    await page.getByRole('heading', { level: 1, name: 'Environments' }).waitFor({ timeout: 30_000 });
    const nav = page.getByRole('navigation', { name: 'Admin pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Environments',
      'Quotas',
      'Jobs and runs',
      'Models',
      'GPU usage',
      'Audit log',
    ]);
    await page.getByTestId('env-link-cpu-base').waitFor();
  });

  it('edits an environment: a stale save shows the conflict, Reload keeps the edit, the save lands', async () => {
    await openPage('environments', 'Environments');
    await page.getByTestId('env-link-cpu-base').click();
    const editor = page.getByTestId('environment-editor');
    await editor.waitFor();
    const name = editor.getByTestId('env-field-displayName');
    await name.fill('Python 3.11 (CPU, admin edit)');

    // Someone else edits the catalog meanwhile.
    const catalog = await admin<Versioned & { items: Array<Record<string, unknown> & { id: string }> }>(
      '/api/v1/admin/environments',
    );
    const other = catalog.items.find((e) => e.id === 'xgboost-cpu');
    expect(other).toBeDefined();
    const { disabled, profile, ...entry } = other as Record<string, unknown>;
    void profile;
    await admin(
      '/api/v1/admin/environments/xgboost-cpu',
      {
        method: 'PUT',
        headers: { 'If-Match': `"${catalog.version}"` },
        body: JSON.stringify({ ...entry, disabled, description: 'Edited by someone else.' }),
      },
      200,
    );

    await editor.getByTestId('env-save').click();
    const conflict = page.getByTestId('env-conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toMatch(/Someone else changed the catalog/);
    await scanBothThemes('environments with a conflict');
    await page.getByTestId('env-conflict-reload').click();
    await conflict.waitFor({ state: 'detached' });
    expect(await name.inputValue()).toBe('Python 3.11 (CPU, admin edit)');
    await editor.getByTestId('env-save').click();
    await expect
      .poll(async () => {
        const listed = await stack.json<{ environments: Array<{ id: string; displayName: string }> }>(
          'alice',
          '/api/v1/environments',
        );
        return listed.environments.find((e) => e.id === 'cpu-base')?.displayName;
      })
      .toBe('Python 3.11 (CPU, admin edit)');
    await expect.poll(() => page.getByTestId('turing-live-region-polite').textContent()).toMatch(/saved/);
    await editor.getByTestId('env-preview').click();
    await expect.poll(() => editor.getByTestId('env-profile').innerText()).toMatch(/"slug": "cpu-base"/);
    await screenshot('environments');
  });

  it('changes a quota and looks up a user’s usage', async () => {
    await openPage('quotas', 'Quotas');
    const runs = page.getByTestId('quota-defaults-concurrentRuns');
    await runs.waitFor();
    const before = await admin<{ defaults: Record<string, number> }>('/api/v1/admin/quotas');
    const wanted = (before.defaults.concurrentRuns ?? 0) + 3;
    await runs.fill(String(wanted));
    await page.getByTestId('quota-groups-add').click();
    await page.getByTestId('quota-groups-0-name').fill('ml-team');
    await page.getByTestId('quota-groups-0-gpus').fill('4');
    await page.getByTestId('quota-save').click();
    await expect
      .poll(
        async () =>
          (await admin<{ defaults: Record<string, number> }>('/api/v1/admin/quotas')).defaults.concurrentRuns,
      )
      .toBe(wanted);
    const after = await admin<{ groups: Record<string, Record<string, number>> }>('/api/v1/admin/quotas');
    expect(after.groups['ml-team']).toEqual({ gpus: 4 });

    await page.getByTestId('quota-usage-user').fill('alice');
    await page.getByTestId('quota-usage-show').click();
    const usage = page.getByTestId('quota-usage-concurrentRuns');
    await usage.waitFor();
    expect(await usage.innerText()).toContain(String(wanted));
    await scanBothThemes('quotas');
    await screenshot('quotas');
  });

  it("cancels alice's running run from the runs table", async () => {
    await openPage('jobs', 'Jobs and runs');
    await page.getByTestId('runs-filter-user').fill('alice');
    await page.getByTestId('runs-filter-state').selectOption('running');
    const row = page.getByTestId(`runs-table-row-${hangRun.id}`);
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('runs-table').locator('tbody tr').count()).toBe(1);
    await page.getByTestId('runs-filter-clear').click();
    await page.getByTestId(`runs-table-row-${hangRun.id}`).waitFor();
    // The table names a run by the last, random part of its id, at most 8 characters.
    const short = (hangRun.id.split('-').pop() ?? hangRun.id).slice(0, 8);
    const cancel = page.getByRole('button', { name: `Cancel run ${short} of hangs` });
    await cancel.click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await noSerious('runs with the confirmation');
    await dialog.getByTestId('confirm-accept').click();
    await expect
      .poll(async () => (await stack.json<ApiRun>('alice', `/api/v1/runs/${hangRun.id}`)).state, {
        timeout: 30_000,
      })
      .toBe('cancelled');
    await expect.poll(() => page.getByTestId(`run-state-${hangRun.id}`).innerText()).toMatch(/cancelled/i);
    expect(await page.getByTestId(`run-log-${hangRun.id}`).getAttribute('target')).toBe('_blank');

    const suspended = async () =>
      (await stack.json<{ suspended: boolean }>('admin', '/api/v1/jobs/train?user=bob')).suspended;
    await page.getByRole('button', { name: 'Pause job train of bob' }).click();
    await expect.poll(suspended).toBe(true);
    await page.getByRole('button', { name: 'Resume job train of bob' }).waitFor();
    await expect.poll(() => page.getByTestId('job-state-bob/train').innerText()).toMatch(/paused/i);
    await scanBothThemes('runs');
    await screenshot('jobs');
  });

  it("scales alice's model and revokes its API key", async () => {
    await openPage('models', 'Models');
    await page.getByRole('button', { name: `Manage model ${MODEL} of alice` }).click();
    const detail = page.getByTestId('model-detail');
    await detail.waitFor();
    await detail.getByTestId('model-max').fill('3');
    await detail.getByTestId('model-min').fill('2');
    await detail.getByTestId('model-scale').click();
    await expect.poll(async () => (await aliceModel()).replicas).toEqual({ min: 2, max: 3 });
    await expect.poll(() => page.getByTestId(`model-replicas-${MODEL}`).innerText()).toMatch(/of 2–3/);
    await detail.getByRole('button', { name: `Revoke API key batch of model ${MODEL}` }).click();
    await page.getByTestId('confirm-dialog').waitFor();
    await noSerious('models with the confirmation');
    await page.getByTestId('confirm-accept').click();
    await expect.poll(async () => (await aliceModel()).apiKeys.length).toBe(0);
    await detail.getByText('No API keys.').waitFor();
    await scanBothThemes('models');
    await screenshot('models');
  });

  it('shows GPU totals equal to the API’s, by user and kind, with the chart', async () => {
    await openPage('gpus', 'GPU usage');
    const usage = await admin<GpuTotals>('/api/v1/admin/gpu-usage');
    expect(usage.available).toBe(true);
    await page.getByTestId('gpu-totals').waitFor();
    expect(await page.getByTestId('gpu-total-capacity').innerText()).toBe(String(usage.totals.capacity));
    expect(await page.getByTestId('gpu-total-allocated').innerText()).toBe(String(usage.totals.allocated));
    expect(await page.getByTestId('gpu-total-free').innerText()).toBe(String(usage.totals.free));
    const alice = page.getByTestId('gpu-user-alice');
    expect(await alice.locator('td').first().innerText()).toBe('1');
    expect(await page.locator('[data-testid="gpu-chart"] rect[data-kind="server"]').count()).toBeGreaterThan(
      0,
    );
    await page.getByTestId('gpu-chart-by-user').check();
    await expect.poll(() => page.getByTestId('gpu-chart-table').innerText()).toMatch(/alice/);
    await page.getByTestId('gpu-chart-by').getByText('Per GPU type').click();
    await scanBothThemes('GPU usage');
    await screenshot('gpus');
    await chooseTheme('dark');
    await screenshot('gpus-dark');
    await chooseTheme('light');
  });

  it('filters the audit log to the admin’s actions and links the export with the same filters', async () => {
    await openPage('audit', 'Audit log');
    await page.getByTestId('audit-filter-actor').fill('admin');
    await page.getByTestId('audit-filter-outcome').selectOption('success');
    const table = page.getByTestId('audit-table');
    const wanted = [
      'adminReplaceEnvironment',
      'adminReplaceQuotas',
      'cancelRun',
      'updateJob',
      'updateModel',
      'revokeModelApiKey',
    ];
    await expect
      .poll(
        async () => {
          const text = await table.innerText();
          return wanted.filter((action) => text.includes(action));
        },
        { timeout: 30_000 },
      )
      .toEqual(wanted);
    await expect
      .poll(() => page.getByTestId('audit-export').getAttribute('href'))
      .toBe('/services/turing/api/v1/admin/audit/export?actor=admin&outcome=success');
    const entries = await admin<{ items: AuditEntry[] }>('/api/v1/admin/audit?actor=admin&outcome=success');
    expect(entries.items.every((e) => e.actor.name === 'admin' && e.result.outcome === 'success')).toBe(true);
    expect(entries.items.map((e) => e.action)).toEqual(expect.arrayContaining(wanted));

    await page.getByTestId('audit-filter-action').fill('adminReplaceQuotas');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await table.getByText('Show change').click();
    await expect.poll(() => table.locator('pre').innerText()).toMatch(/concurrentRuns|defaults/);
    await page.getByTestId('audit-filter-action').fill('');
    await scanBothThemes('audit');
    await screenshot('audit');
  });

  it('is usable by keyboard alone: skip link, navigation and the theme choice', async () => {
    await page.goto(adminUrl('gpus'));
    await page.getByRole('heading', { level: 1, name: 'GPU usage' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const active = document.activeElement as HTMLInputElement | null;
      return { value: active?.value, outline: active ? getComputedStyle(active).outlineStyle : '' };
    });
    expect(focused.value).toMatch(/light|dark|system/);
    expect(focused.outline, 'visible focus').toBe('solid');
    // Next: the navigation's first link, then the second; Enter follows it without a reload.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Quotas');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Quotas' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/services/turing/admin/quotas');
  });
});
