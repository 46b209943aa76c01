import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from '../support/browser.js';
import { waitUntil } from '../support/child-process.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { pythonNotebook } from '../support/notebooks.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const snippet = resolve(repoRoot, 'helm/turing/files/turing_profiles.py');
const kubeconfigPath = inject('kubeconfigPath');
const namespace = `ks-quota-${randomBytes(3).toString('hex')}`;
const GPU_ENV = 'tf-2.16-cuda12.3';

// KubeSpawner against the test kube-apiserver, with profile_list and the
// pre_spawn_hook from the chart's snippet. Values come from the environment.
const extraConfig = `
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.namespace = os.environ["TURING_TEST_NAMESPACE"]
c.KubeSpawner.start_timeout = 300
exec(open(os.environ["TURING_TEST_PROFILES_SNIPPET"]).read())
`;

/**
 * The hub's own spawn page must not bypass the GPU quota that hub-proxy
 * enforces: the snippet's pre_spawn_hook asks hub-proxy before every spawn,
 * and the page shows hub-proxy's refusal. The quota is 1 GPU.
 */
describe("GPU quota on the hub's spawn page (real JupyterHub, KubeSpawner 7, kube-apiserver)", () => {
  const serviceToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'turing-ks-quota-'));
  let hub: JupyterHub;
  let proxy: InProcessHubProxy;
  let core: CoreV1Api;
  let aliceToken = '';

  /** Submits the spawn form for alice's default server with `gpus` of the GPU environment. */
  async function spawnFromForm(browser: Browser, gpus: number): Promise<{ status: number; html: string }> {
    const { response: page } = await browser.fetch(`${hub.url}/hub/spawn`);
    // JupyterHub 6 puts the XSRF token in the form's action URL.
    const action = /action="([^"]*_xsrf=[^"]+)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error(`spawn page without a form (status ${page.status})`);
    const xsrf = new URL(action, hub.url).searchParams.get('_xsrf') ?? '';
    const { response } = await browser.fetch(new URL(action, hub.url).href, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _xsrf: xsrf,
        profile: GPU_ENV,
        [`profile-option-${GPU_ENV}--gpus`]: String(gpus),
        [`profile-option-${GPU_ENV}--gpu_type`]: 't4',
      }).toString(),
      follow: false,
    });
    return { status: response.status, html: await response.text() };
  }

  const alicePods = async () =>
    (await core.listNamespacedPod({ namespace, labelSelector: 'hub.jupyter.org/username=alice' })).items;

  async function serverOf(user: string): Promise<unknown> {
    const res = await hub.api(`/users/${user}`);
    return ((await res.json()) as { servers: Record<string, unknown> }).servers[''];
  }

  beforeAll(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    // No Pod Security profile: KubeSpawner's default pod is not "restricted".
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const port = await freePort();
    hub = turingHub(
      { apiToken: serviceToken, url: `http://127.0.0.1:${port}` },
      {
        extraConfig,
        env: {
          KUBECONFIG: kubeconfigPath,
          TURING_TEST_NAMESPACE: namespace,
          TURING_TEST_PROFILES_SNIPPET: snippet,
        },
      },
    );
    await hub.start();
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_DEFAULT_MAX_GPUS: '1',
        TURING_JOBS_STATE_DIR: join(dir, 'state'),
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
      },
    });
    await hub.createUser('alice');
    aliceToken = await hub.tokenFor('alice');
  });

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a spawn over the quota with hub-proxy’s message on the spawn page, and starts no pod', async () => {
    const browser = await hub.loginWithBrowser('alice');
    const { status, html } = await spawnFromForm(browser, 2);
    expect(status).toBe(403);
    expect(html).toContain(
      'GPU quota exceeded: you have 0 of 1 GPUs in use on your other servers, and this server needs 2 more. ' +
        'Stop a server or ask for fewer GPUs.',
    );
    expect(await alicePods()).toEqual([]);
    expect(await serverOf('alice')).toBeUndefined();
  });

  it('starts a spawn within the quota: the pod is created with its GPU', async () => {
    const browser = await hub.loginWithBrowser('alice');
    const { status } = await spawnFromForm(browser, 1);
    expect(status).toBe(302);
    await waitUntil('alice’s pod', async () => (await alicePods()).length === 1, { timeoutMs: 30_000 });
    const [pod] = await alicePods();
    expect(pod?.spec?.containers[0]?.resources?.limits?.['nvidia.com/gpu']).toBe('1');
    const stopped = await hub.api('/users/alice/server', { method: 'DELETE' });
    expect([202, 204]).toContain(stopped.status);
    await waitUntil('alice’s server stopped', async () => (await serverOf('alice')) === undefined, {
      timeoutMs: 60_000,
    });
  });

  it("counts the user's active GPU job runs: a spawn beside them is refused naming the runs", async () => {
    const call = (path: string, body: unknown) =>
      fetch(`${proxy.base}${path}`, {
        method: 'POST',
        headers: { Authorization: `token ${aliceToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await call('/api/v1/jobs', {
      name: 'train',
      notebook: { path: 'train.ipynb', content: pythonNotebook({ cells: ['import time\ntime.sleep(300)'] }) },
      environment: GPU_ENV,
      resources: { gpus: 1 },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const run = (await (await call('/api/v1/jobs/train/runs', {})).json()) as { id: string };
    try {
      const browser = await hub.loginWithBrowser('alice');
      const { status, html } = await spawnFromForm(browser, 1);
      expect(status).toBe(403);
      expect(html).toContain(
        'GPU quota exceeded: you have 1 of 1 GPUs in use (0 on your other servers, 1 by your job runs), ' +
          'and this server needs 1 more. Stop a server, cancel a run, or ask for fewer GPUs.',
      );
    } finally {
      await fetch(`${proxy.base}/api/v1/runs/${run.id}`, {
        method: 'DELETE',
        headers: { Authorization: `token ${aliceToken}` },
      });
    }
  });
});
