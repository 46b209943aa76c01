import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { loadCatalog } from '../../hub-proxy/src/environments/index.js';
import { ApiStack, jobBody } from '../support/api-stack.js';
import { waitUntil } from '../support/child-process.js';
import { eventually } from '../support/eventually.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { freePort } from '../support/ports.js';

const kubeconfigPath = inject('kubeconfigPath');
const seed = loadCatalog();
const seedText = readFileSync(resolve(import.meta.dirname, '../../images/catalog.yaml'), 'utf8');
const ADMIN = '/api/v1/admin/environments';

/** A valid CPU environment that is not in the seed. */
function pandas(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = seed.environments.find((e) => e.id === 'cpu-base');
  return {
    ...base,
    id: 'pandas-2',
    displayName: 'Pandas 2.2 (CPU)',
    image: 'ghcr.io/turing-platform/pandas:2.2.3-py3.11',
    default: false,
    ...extra,
  };
}

interface Environments {
  environments: Array<{ id: string; displayName: string }>;
}
interface Profile {
  slug: string;
  display_name: string;
}

/** A second hub-proxy on the same hub, called on its own port (not routed by the hub's proxy). */
async function extraProxy(
  stack: ApiStack,
  env: Record<string, string>,
): Promise<{ proxy: InProcessHubProxy; base: string }> {
  const port = await freePort();
  const proxy = await startInProcessHubProxy(stack.hub, { serviceToken: stack.serviceToken, port, env });
  const base = `http://127.0.0.1:${port}/services/turing`;
  await waitUntil('the second hub-proxy ready', async () => (await fetch(`${base}/readyz`)).ok, {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return { proxy, base };
}

function as(token: string, init: RequestInit = {}, ifMatch?: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  if (typeof init.body === 'string') headers.set('Content-Type', 'application/json');
  if (ifMatch !== undefined) headers.set('If-Match', ifMatch);
  return { ...init, headers };
}

describe('admin environment catalog (real hub, real kube-apiserver)', () => {
  const stack = new ApiStack(kubeconfigPath);
  const extras: InProcessHubProxy[] = [];
  let core: CoreV1Api;

  /** The admin's current ETag. */
  async function etag(): Promise<string> {
    const res = await stack.call(stack.tokens.admin, ADMIN);
    expect(res.status).toBe(200);
    const value = res.headers.get('etag');
    if (!value) throw new Error('GET admin/environments sent no ETag');
    return value;
  }

  async function write(method: string, path: string, body: unknown, ifMatch: string): Promise<Response> {
    return stack.call(stack.tokens.admin, `${ADMIN}${path}`, {
      method,
      headers: { 'If-Match': ifMatch },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  beforeAll(async () => {
    await stack.start();
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  }, 180_000);

  afterAll(async () => {
    for (const proxy of extras) await proxy.stop();
    await stack.stop();
  });

  it('seeds the turing-catalog ConfigMap from images/catalog.yaml, labelled part-of turing', async () => {
    await etag();
    const configMap = await core.readNamespacedConfigMap({
      namespace: stack.namespace,
      name: 'turing-catalog',
    });
    expect(configMap.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('turing');
    expect(configMap.data?.['catalog.yaml']).toBe(seedText);
  });

  it('refuses every catalog route to a non-admin (403) and to anonymous callers (401)', async () => {
    const version = await etag();
    const calls: Array<[string, string, unknown]> = [
      ['GET', ADMIN, undefined],
      ['POST', ADMIN, pandas()],
      ['PUT', `${ADMIN}/cpu-base`, seed.environments[0]],
      ['DELETE', `${ADMIN}/cpu-base`, undefined],
      ['POST', `${ADMIN}/preview`, pandas()],
    ];
    for (const [method, path, body] of calls) {
      const init = {
        method,
        headers: { 'If-Match': version },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      };
      expect((await stack.call(stack.tokens.alice, path, init)).status, `${method} ${path} as alice`).toBe(
        403,
      );
      expect((await stack.call(undefined, path, init)).status, `${method} ${path} anonymous`).toBe(401);
    }
    expect(await etag()).toBe(version);
  });

  it('an added environment reaches users at once, and an old ETag then gets 409', async () => {
    const before = await etag();
    const created = await write('POST', '', pandas(), before);
    expect(created.status, await created.clone().text()).toBe(201);
    const after = created.headers.get('etag');
    expect(after).not.toBe(before);

    const panel = await stack.json<Environments>('alice', '/api/v1/environments');
    expect(panel.environments.map((e) => e.id)).toContain('pandas-2');
    const profiles = await stack.json<Profile[]>('alice', '/api/v1/environments/profiles');
    expect(profiles.find((p) => p.slug === 'pandas-2')?.display_name).toBe('Pandas 2.2 (CPU)');

    const stale = await write('PUT', '/pandas-2', pandas({ displayName: 'Lost edit' }), before);
    expect(stale.status).toBe(409);
    const problem = (await stale.json()) as { detail: string; currentVersion: string };
    expect(problem.detail).toBe(
      'The catalog changed since you loaded it; reload it and apply your edit again.',
    );
    expect(`"${problem.currentVersion}"`).toBe(after);
    expect((await write('PUT', '/pandas-2', pandas(), '')).status).toBe(428);
  });

  it('answers 422 with the catalog file problems for an invalid entry', async () => {
    const res = await write('POST', '', pandas({ id: 'bad-one', image: 'ghcr.io/x/y:latest' }), await etag());
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      {
        field: 'environments[bad-one].image',
        message: '"ghcr.io/x/y:latest" uses the moving tag "latest"; pin a version tag or a digest',
      },
    ]);
  });

  it('a job created with the new environment resolves its image; disabling hides it and keeps the job', async () => {
    await stack.createJob('alice', 'on-pandas', { environment: 'pandas-2' });
    const job = await stack.json<{ environment: string; image: string }>('alice', '/api/v1/jobs/on-pandas');
    expect(job).toMatchObject({
      environment: 'pandas-2',
      image: 'ghcr.io/turing-platform/pandas:2.2.3-py3.11',
    });

    const disabled = await write('PUT', '/pandas-2', pandas({ disabled: true }), await etag());
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { item: { disabled: boolean } }).item.disabled).toBe(true);

    const panel = await stack.json<Environments>('alice', '/api/v1/environments');
    expect(panel.environments.map((e) => e.id)).not.toContain('pandas-2');
    const profiles = await stack.json<Profile[]>('alice', '/api/v1/environments/profiles');
    expect(profiles.map((p) => p.slug)).not.toContain('pandas-2');
    const refused = await stack.call(stack.tokens.alice, '/api/v1/jobs', {
      method: 'POST',
      body: JSON.stringify(jobBody('later-pandas', { environment: 'pandas-2' })),
    });
    expect(refused.status).toBe(400);
    expect(await stack.json('alice', '/api/v1/jobs/on-pandas')).toMatchObject({
      image: 'ghcr.io/turing-platform/pandas:2.2.3-py3.11',
    });
    // Admins still see it, marked, with the profile it would yield.
    const listed = await stack.json<{ items: Array<{ id: string; disabled: boolean; profile: Profile }> }>(
      'admin',
      ADMIN,
    );
    expect(listed.items.find((i) => i.id === 'pandas-2')).toMatchObject({
      disabled: true,
      profile: { slug: 'pandas-2' },
    });
  });

  it('a second replica on the same apiserver sees edits through the ConfigMap watch, kubectl edits too', async () => {
    const second = await extraProxy(stack, {
      TURING_RUNTIME: 'kubernetes',
      TURING_KUBECONFIG: kubeconfigPath,
      TURING_NAMESPACE: stack.namespace,
      TURING_ARTIFACTS_DIR: join(stack.dir, 'artifacts'),
    });
    extras.push(second.proxy);
    const panelOfSecond = async () => {
      const res = await fetch(`${second.base}/api/v1/environments`, as(stack.tokens.alice));
      return ((await res.json()) as Environments).environments;
    };

    const created = await write(
      'POST',
      '',
      pandas({ id: 'replicated', displayName: 'Replicated' }),
      await etag(),
    );
    expect(created.status).toBe(201);
    await eventually('the second replica offers the new environment', 10_000, async () =>
      (await panelOfSecond()).some((e) => e.id === 'replicated'),
    );

    // As `kubectl edit configmap turing-catalog` would: change the text in place.
    const configMap = await core.readNamespacedConfigMap({
      namespace: stack.namespace,
      name: 'turing-catalog',
    });
    const doc = parseYaml(configMap.data?.['catalog.yaml'] ?? '') as {
      environments: Array<{ id: string; displayName: string }>;
    };
    const edited = doc.environments.find((e) => e.id === 'cpu-base');
    if (!edited) throw new Error('cpu-base missing from the ConfigMap');
    edited.displayName = 'Python 3.11 (CPU, edited by hand)';
    await core.replaceNamespacedConfigMap({
      namespace: stack.namespace,
      name: 'turing-catalog',
      body: { ...configMap, data: { 'catalog.yaml': stringify(doc) } },
    });
    for (const panel of [
      panelOfSecond,
      async () => (await stack.json<Environments>('alice', '/api/v1/environments')).environments,
    ]) {
      await eventually('both replicas show the hand edit', 10_000, async () =>
        (await panel()).some((e) => e.displayName === 'Python 3.11 (CPU, edited by hand)'),
      );
    }

    // A broken hand edit is refused in place: the last good catalog stays on offer.
    const current = await core.readNamespacedConfigMap({
      namespace: stack.namespace,
      name: 'turing-catalog',
    });
    await core.replaceNamespacedConfigMap({
      namespace: stack.namespace,
      name: 'turing-catalog',
      body: { ...current, data: { 'catalog.yaml': 'environments: [{ id: Broken }]\n' } },
    });
    const listed = await eventually('the admin view reports the broken document', 10_000, async () => {
      const body = await stack.json<{ problems?: Array<{ field: string }>; items: unknown[] }>(
        'admin',
        ADMIN,
      );
      return body.problems ? body : undefined;
    });
    expect(listed.problems?.map((p) => p.field)).toContain('environments[Broken].displayName');
    expect((await panelOfSecond()).map((e) => e.id)).toContain('replicated');
    // Saving through the API replaces the broken text with the catalog in effect plus the edit.
    const repaired = await write('DELETE', '/replicated', undefined, await etag());
    expect(repaired.status).toBe(200);
    await eventually('the second replica drops the deleted environment', 10_000, async () => {
      const ids = (await panelOfSecond()).map((e) => e.id);
      return ids.includes('cpu-base') && !ids.includes('replicated');
    });
  });

  it('the local runtime keeps the catalog in a file: API edits land in it and edits by hand are picked up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'turing-local-catalog-'));
    const path = join(dir, 'state', 'catalog.yaml');
    let local: { proxy: InProcessHubProxy; base: string } | undefined;
    try {
      local = await extraProxy(stack, {
        TURING_RUNTIME: 'local',
        TURING_EDITABLE_CATALOG: path,
        TURING_JOBS_STATE_DIR: join(dir, 'jobs'),
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
      });
      const { base } = local;
      expect(readFileSync(path, 'utf8')).toBe(seedText);

      const listed = await fetch(`${base}${ADMIN}`, as(stack.tokens.admin));
      const version = listed.headers.get('etag') ?? '';
      const created = await fetch(
        `${base}${ADMIN}`,
        as(
          stack.tokens.admin,
          { method: 'POST', body: JSON.stringify(pandas({ id: 'local-one' })) },
          version,
        ),
      );
      expect(created.status).toBe(201);
      expect(readFileSync(path, 'utf8')).toContain('id: local-one');
      expect(readFileSync(path, 'utf8')).toContain('# Field guide:');

      const doc = parseYaml(readFileSync(path, 'utf8')) as { environments: Array<Record<string, unknown>> };
      doc.environments.push(pandas({ id: 'by-hand', displayName: 'Edited in the file' }));
      writeFileSync(path, stringify(doc));
      await eventually('the local hub-proxy offers the hand-added environment', 10_000, async () => {
        const res = await fetch(`${base}/api/v1/environments`, as(stack.tokens.alice));
        const ids = ((await res.json()) as Environments).environments.map((e) => e.id);
        return ids.includes('by-hand') && ids.includes('local-one');
      });
      const stale = await fetch(
        `${base}${ADMIN}/local-one`,
        as(stack.tokens.admin, { method: 'DELETE' }, version),
      );
      expect(stale.status).toBe(409);
    } finally {
      // Stopped first: its file watch would otherwise seed the catalog again into the removed directory.
      await local?.proxy.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
