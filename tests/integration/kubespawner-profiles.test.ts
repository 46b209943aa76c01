import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog, toProfileList, type Catalog } from '../../hub-proxy/src/environments/index.js';
import type { JupyterHub } from '../support/jupyterhub.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { turingHub } from '../support/turing-hub.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const snippet = resolve(repoRoot, 'helm/turing/files/turing_profiles.py');
const kubeconfigPath = inject('kubeconfigPath');
const namespace = `ks-profiles-${randomBytes(3).toString('hex')}`;

// KubeSpawner against the test kube-apiserver (kubernetes_asyncio reads
// KUBECONFIG), with profile_list from the chart's snippet. Values come from
// the environment, never spliced into Python.
const extraConfig = `
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.namespace = os.environ["TURING_TEST_NAMESPACE"]
exec(open(os.environ["TURING_TEST_PROFILES_SNIPPET"]).read())
`;

/** The text KubeSpawner renders for a display name (HTML-escaped by the catalog). */
function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe('KubeSpawner 7 spawn form from hub-proxy (real JupyterHub, real kube-apiserver)', () => {
  const serviceToken = randomBytes(24).toString('hex');
  let catalog: Catalog;
  let hub: JupyterHub;
  let proxy: InProcessHubProxy | undefined;
  let port = 0;
  // The editable catalog (local runtime) of this file's hub-proxy, not the checkout's .turing/.
  const stateDir = mkdtempSync(join(tmpdir(), 'ks-profiles-catalog-'));

  async function startProxy(): Promise<void> {
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: { TURING_EDITABLE_CATALOG: join(stateDir, 'catalog.yaml') },
    });
  }

  async function spawnPage(user: string): Promise<string> {
    const browser = await hub.loginWithBrowser(user);
    const { response } = await browser.fetch(`${hub.url}/hub/spawn`);
    const html = await response.text();
    expect(response.status, html.slice(0, 2000)).toBe(200);
    return html;
  }

  beforeAll(async () => {
    catalog = loadCatalog();
    await createNamespace(kubeconfigPath, namespace);
    port = await freePort();
    hub = turingHub(
      { apiToken: serviceToken, url: `http://127.0.0.1:${port}` },
      {
        extraConfig,
        env: {
          KUBECONFIG: kubeconfigPath,
          TURING_TEST_NAMESPACE: namespace,
          TURING_TEST_PROFILES_SNIPPET: snippet,
          // Every form render fetches again, so the fallback below is exercised.
          TURING_PROFILES_CACHE_SECONDS: '0',
        },
      },
    );
    await hub.start();
    await startProxy();
  });

  afterAll(async () => {
    await proxy?.stop();
    await hub?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves the profile list to the turing service token and to users', async () => {
    const expected = JSON.parse(JSON.stringify(toProfileList(catalog))) as unknown;
    const base = `${hub.url}/services/turing/api/v1/environments/profiles`;
    const asService = await fetch(base, { headers: { Authorization: `token ${serviceToken}` } });
    expect(asService.status).toBe(200);
    expect(await asService.json()).toEqual(expected);
    await hub.createUser('alice');
    const userToken = await hub.tokenFor('alice');
    const asUser = await fetch(base, { headers: { Authorization: `token ${userToken}` } });
    expect(await asUser.json()).toEqual(expected);
  });

  it("renders every catalog environment and its GPU options in the hub's spawn form", async () => {
    const html = await spawnPage('alice');
    for (const env of catalog.environments) {
      expect(html).toContain(escaped(env.displayName));
      expect(html).toContain(`value="${env.id}"`);
    }
    const counts = new Set(catalog.environments.flatMap((e) => e.gpu?.counts ?? []));
    expect(counts.size).toBeGreaterThan(0);
    for (const count of counts) expect(html).toContain(count === 1 ? '1 GPU' : `${count} GPUs`);
    for (const gpuType of Object.values(catalog.gpuTypes))
      expect(html).toContain(escaped(gpuType.displayName));
  });

  it("shows an admin's catalog edit on /hub/spawn without restarting the hub or hub-proxy", async () => {
    const adminToken = await hub.tokenFor('admin');
    const api = `${hub.url}/services/turing/api/v1/admin/environments`;
    const listed = await fetch(api, { headers: { Authorization: `token ${adminToken}` } });
    expect(listed.status).toBe(200);
    const cpuBase = catalog.environments.find((e) => e.id === 'cpu-base');
    const added = await fetch(api, {
      method: 'POST',
      headers: {
        Authorization: `token ${adminToken}`,
        'Content-Type': 'application/json',
        'If-Match': listed.headers.get('etag') ?? '',
      },
      body: JSON.stringify({
        ...cpuBase,
        id: 'spawn-form-check',
        displayName: 'Added <by> an admin',
        default: false,
      }),
    });
    expect(added.status, await added.clone().text()).toBe(201);
    const html = await spawnPage('alice');
    expect(html).toContain(escaped('Added <by> an admin'));
    expect(html).toContain('value="spawn-form-check"');

    const disabled = await fetch(`${api}/spawn-form-check`, {
      method: 'PUT',
      headers: {
        Authorization: `token ${adminToken}`,
        'Content-Type': 'application/json',
        'If-Match': added.headers.get('etag') ?? '',
      },
      body: JSON.stringify({
        ...cpuBase,
        id: 'spawn-form-check',
        displayName: 'Added',
        default: false,
        disabled: true,
      }),
    });
    expect(disabled.status).toBe(200);
    expect(await spawnPage('alice')).not.toContain('value="spawn-form-check"');
  });

  it('keeps rendering the last good list while hub-proxy is down', async () => {
    await proxy?.stop();
    proxy = undefined;
    const html = await spawnPage('alice');
    for (const env of catalog.environments) expect(html).toContain(escaped(env.displayName));
  });
});
