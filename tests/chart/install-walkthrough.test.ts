import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCatalog, toProfileList } from '../../hub-proxy/src/environments/index.js';
import { logTail, waitUntil } from '../support/child-process.js';
import { CHART_DIR, helm } from '../support/helm.js';
import { startInProcessHubProxy, type InProcessHubProxy } from '../support/in-process-hub-proxy.js';
import { JupyterHub, type JupyterHubOptions } from '../support/jupyterhub.js';
import { createNamespace } from '../support/namespaces.js';
import { freePort } from '../support/ports.js';
import { registerSecret } from '../support/secrets-scan.js';
import { ACCESS_SCOPE, ADMIN_SCOPE, TURING_SERVICE_SCOPES } from '../support/turing-hub.js';
import { hubContainer, renderZ2jhHubSecret, type Z2jhValues } from '../support/z2jh-hub-config.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const kubeconfigPath = inject('kubeconfigPath');
const namespace = `install-${randomBytes(3).toString('hex')}`;
const doc = readFileSync(resolve(repoRoot, 'docs/install.md'), 'utf8');
const z2jhValuesFile = resolve(repoRoot, 'helm/z2jh-values.yaml');
const z2jhValues = parse(readFileSync(z2jhValuesFile, 'utf8')) as Z2jhValues;

/** The fenced block of docs/install.md whose first line is `firstLine`. */
function docBlock(firstLine: string): string {
  const block = [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((text) => text.split('\n')[0]?.trim() === firstLine);
  if (block === undefined) throw new Error(`docs/install.md has no block starting with "${firstLine}"`);
  return block;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfigPath, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

interface KubeObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** The doc's check: everything of the release, by its instance label. */
async function releaseObjects(): Promise<KubeObject[]> {
  const kinds = 'deploy,svc,cm,sa,role,rolebinding,networkpolicy,pdb,pvc';
  const namespaced = await kubectl(
    'get',
    kinds,
    '-n',
    namespace,
    '-l',
    'app.kubernetes.io/instance=turing',
    '-o',
    'json',
  );
  const cluster = await kubectl(
    'get',
    'clusterrole,clusterrolebinding',
    '-l',
    'app.kubernetes.io/instance=turing',
    '-o',
    'json',
  );
  const items = (out: string) => (JSON.parse(out) as { items: KubeObject[] }).items;
  // As the doc's `grep -- '-jhub$'`: releases named turing in other namespaces (other test files) are not this one.
  return [...items(namespaced), ...items(cluster).filter((o) => o.metadata.name.endsWith(`-${namespace}`))];
}

/** `kind/name` of each object, as `kubectl get` names them. */
const names = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

/** What docs/install.md says `helm install turing` creates (step 3). */
const INSTALLED = [
  'ClusterRole/turing-hub-proxy-NS',
  'ClusterRoleBinding/turing-hub-proxy-NS',
  'ConfigMap/turing-catalog-seed',
  'ConfigMap/turing-hub-config',
  'ConfigMap/turing-hub-proxy-config',
  'ConfigMap/turing-runner',
  'Deployment/turing-hub-proxy',
  'NetworkPolicy/turing-hub-proxy',
  'NetworkPolicy/turing-models',
  'NetworkPolicy/turing-runs',
  'PersistentVolumeClaim/turing-artifacts',
  'PodDisruptionBudget/turing-hub-proxy',
  'Role/turing-hub-proxy',
  'RoleBinding/turing-hub-proxy',
  'Service/turing-hub-proxy',
  'Service/turing-hub-proxy-metrics',
  'Service/turing-models',
  'ServiceAccount/turing-hub-proxy',
];

/** The labels z2jh 4.x puts on its hub, proxy and user server pods (and z2jh's NetworkPolicies select by). */
const Z2JH_POD_LABELS = {
  hub: { app: 'jupyterhub', component: 'hub', 'app.kubernetes.io/component': 'hub' },
  proxy: { app: 'jupyterhub', component: 'proxy', 'app.kubernetes.io/component': 'proxy' },
  singleuser: {
    app: 'jupyterhub',
    component: 'singleuser-server',
    'app.kubernetes.io/component': 'singleuser-server',
  },
};

function selects(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
) {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels[k] === v);
}

describe('docs/install.md on the test kube-apiserver: helm install, then z2jh values in a real JupyterHub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'install-walkthrough-'));
  let core: CoreV1Api;
  let installed: KubeObject[] = [];
  const byName = (kind: string, name: string) =>
    installed.find((o) => o.kind === kind && o.metadata.name === name);

  beforeAll(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    await createNamespace(kubeconfigPath, namespace);
  });

  afterAll(async () => {
    await helm(['uninstall', 'turing', '-n', namespace, '--ignore-not-found'], { kubeconfigPath }).catch(
      () => undefined,
    );
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("installs the chart with the doc's my-values.yaml: helm status says deployed, CRDs exist", async () => {
    const myValues = join(dir, 'my-values.yaml');
    writeFileSync(myValues, docBlock('# my-values.yaml'));
    expect(doc).toContain('helm install turing ./helm/turing -n jhub -f my-values.yaml');
    await helm(['install', 'turing', CHART_DIR, '-n', namespace, '-f', myValues], { kubeconfigPath });

    const status = JSON.parse(
      (await helm(['status', 'turing', '-n', namespace, '-o', 'json'], { kubeconfigPath })).stdout,
    ) as {
      info: { status: string };
    };
    expect(status.info.status).toBe('deployed');
    const crds = await kubectl(
      'get',
      'crd',
      'notebookjobs.turing.dev',
      'modelservers.turing.dev',
      '-o',
      'name',
    );
    expect(crds.trim().split('\n').sort()).toEqual([
      'customresourcedefinition.apiextensions.k8s.io/modelservers.turing.dev',
      'customresourcedefinition.apiextensions.k8s.io/notebookjobs.turing.dev',
    ]);
  });

  it('creates the objects the doc lists, and the namespace (restricted) admits both hub-proxy pods', async () => {
    installed = await releaseObjects();
    const expected = INSTALLED.map((n) => n.replace('NS', namespace));
    expect(names(installed)).toEqual(expected);
    for (const name of INSTALLED) expect(doc).toContain(name.split('/')[1]?.replace('-NS', '-jhub'));

    const deployment = byName('Deployment', 'turing-hub-proxy');
    expect(deployment?.spec?.replicas).toBe(2);
    // The ReplicaSet controller creates the pods; admission under Pod Security `restricted` lets them in.
    await waitUntil(
      'two hub-proxy pods',
      async () =>
        (
          await core.listNamespacedPod({
            namespace,
            labelSelector: 'app.kubernetes.io/instance=turing,app.kubernetes.io/component=hub-proxy',
          })
        ).items.length === 2,
      { timeoutMs: 30_000 },
    );
    const hubConfig = byName('ConfigMap', 'turing-hub-config');
    expect(hubConfig?.data?.['turing_profiles.py']).toBe(
      readFileSync(resolve(repoRoot, 'helm/turing/files/turing_profiles.py'), 'utf8'),
    );
  });

  it('matches helm/z2jh-values.yaml to the installed objects: URL, ConfigMap, token Secret, pod labels, ports', async () => {
    const service = new URL(z2jhValues.hub.services.turing?.url ?? '');
    const svc = byName('Service', service.hostname) as
      | { spec: { ports: Array<{ port: number; targetPort: string }> } }
      | undefined;
    expect(svc?.spec.ports.map((p) => p.port)).toContain(Number(service.port));

    const volume = z2jhValues.hub.extraVolumes.find((v) => v.configMap);
    expect(byName('ConfigMap', volume?.configMap?.name ?? '')?.data).toHaveProperty(['turing_profiles.py']);
    const mount = z2jhValues.hub.extraVolumeMounts.find((m) => m.name === volume?.name);
    const extraEnv = z2jhValues.hub.extraEnv as Record<string, string>;
    expect(extraEnv.TURING_PROFILES_SNIPPET).toBe(`${mount?.mountPath}/turing_profiles.py`);

    // hub-proxy reads its token where z2jh generates it: Secret `hub`, key hub.services.turing.apiToken.
    const { metadata, spec: podSpec } = deployment().spec.template;
    const tokenVolume = podSpec.volumes.find((v) => v.secret)?.secret;
    expect(tokenVolume?.secretName).toBe('hub');
    expect(tokenVolume?.items?.map((i) => i.key)).toEqual(['hub.services.turing.apiToken']);

    // Each z2jh egress rule toward hub-proxy selects the hub-proxy pods, on their API port...
    const podLabels = metadata.labels;
    const apiPort = podSpec.containers[0]?.ports.find((p) => p.name === 'http')?.containerPort;
    const policy = byName('NetworkPolicy', 'turing-hub-proxy') as unknown as TuringNetworkPolicy;
    const apiIngress = policy.spec.ingress.find((rule) => rule.ports?.some((p) => p.port === 'http'));
    for (const [pod, egress] of [
      ['hub', z2jhValues.hub.networkPolicy.egress],
      ['proxy', z2jhValues.proxy.chp.networkPolicy.egress],
      ['singleuser', z2jhValues.singleuser.networkPolicy.egress],
    ] as const) {
      const rule = egress.find((r) => r.to?.some((peer) => selects(peer.podSelector, podLabels)));
      expect(rule, `${pod} egress to hub-proxy`).toBeDefined();
      expect(rule?.ports?.map((p) => p.port)).toEqual([apiPort]);
      // ...and Turing's own NetworkPolicy lets that pod in.
      expect(
        apiIngress?.from.some((peer) => selects(peer.podSelector, Z2JH_POD_LABELS[pod])),
        `turing-hub-proxy NetworkPolicy admits z2jh ${pod} pods`,
      ).toBe(true);
    }
  });

  describe('helm/z2jh-values.yaml merged into a z2jh hub config (stand-in), in JupyterHub 6 with KubeSpawner 7', () => {
    const catalog = loadCatalog();
    const environment = catalog.environments.find((e) => !e.gpu) ?? catalog.environments[0];
    let hub: JupyterHub;
    let proxy: InProcessHubProxy | undefined;
    let serviceToken = '';

    beforeAll(async () => {
      const port = await freePort();
      // Filled in below, before start(): the hub's config depends on the fixture's admin token.
      const hubOptions: JupyterHubOptions = {};
      hub = new JupyterHub(hubOptions);
      // Their own z2jh values: a hub admin, carol in the group that makes Turing admins, and
      // the test fixture's admin service (tests/support/jupyterhub.ts) with its token.
      const theirValues = {
        hub: {
          config: {
            Authenticator: { admin_users: ['admin'], allow_all: true },
            JupyterHub: { load_groups: { 'turing-admins': { users: ['carol'] } } },
          },
          services: { 'turing-test-admin': { apiToken: hub.adminToken } },
          loadRoles: {
            'turing-test-admin': {
              scopes: ['admin:users', 'admin:servers', 'tokens', 'list:users', 'read:users'],
              services: ['turing-test-admin'],
            },
          },
        },
      };
      // This machine: hub-proxy on loopback (no cluster DNS), a storage class name for the claims.
      const thisMachine = {
        hub: { services: { turing: { url: `http://127.0.0.1:${port}` } } },
        singleuser: { storage: { dynamic: { storageClass: 'test-rwo' } } },
      };
      const files = { their: join(dir, 'their-values.yaml'), machine: join(dir, 'this-machine.yaml') };
      writeFileSync(files.their, stringify(theirValues));
      writeFileSync(files.machine, stringify(thisMachine));
      const rendered = await renderZ2jhHubSecret([files.their, z2jhValuesFile, files.machine], { namespace });
      serviceToken = rendered.secret['hub.services.turing.apiToken'] ?? '';
      registerSecret('service-token', serviceToken);
      const container = await hubContainer(rendered, join(dir, 'hub'), namespace, async (name) => {
        return (await core.readNamespacedConfigMap({ name, namespace })).data ?? {};
      });
      hubOptions.extraConfig = container.extraConfig;
      hubOptions.env = { ...container.env, KUBECONFIG: kubeconfigPath };
      await hub.start();
      proxy = await startInProcessHubProxy(hub, { serviceToken, port });
      await hub.createUser('alice');
    });

    afterAll(async () => {
      await proxy?.stop();
      await hub?.stop();
    });

    it('registers the turing service with its URL, OAuth settings and the turing-service role', async () => {
      expect(serviceToken).toMatch(/^[A-Za-z0-9]{64}$/);
      const adminToken = await hub.tokenFor('admin');
      const res = await fetch(`${hub.apiUrl}/services`, {
        headers: { Authorization: `token ${adminToken}` },
      });
      expect(res.status).toBe(200);
      const services = (await res.json()) as Record<string, Record<string, unknown>>;
      expect(services.turing).toMatchObject({
        name: 'turing',
        roles: ['turing-service'],
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        prefix: '/services/turing/',
        display: true,
      });
      const whoami = await fetch(`${hub.apiUrl}/user`, {
        headers: { Authorization: `token ${serviceToken}` },
      });
      const service = (await whoami.json()) as { kind: string; scopes: string[] };
      expect(service.kind).toBe('service');
      expect(service.scopes).toEqual(expect.arrayContaining(TURING_SERVICE_SCOPES));
    });

    it('loads custom:turing:admin and grants it to the turing-admins group only; every user gets access', async () => {
      const me = async (user: string) => {
        const token = await hub.tokenFor(user);
        const res = await fetch(`${hub.url}/services/turing/api/v1/me`, {
          headers: { Authorization: `token ${token}` },
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { admin: boolean; scopes: string[] };
      };
      // carol is no hub admin, only in the group.
      const carol = await me('carol');
      expect(carol.admin).toBe(true);
      expect(carol.scopes).toEqual(expect.arrayContaining([ACCESS_SCOPE, ADMIN_SCOPE]));
      for (const user of ['alice', 'admin']) {
        const plain = await me(user);
        expect(plain.admin, user).toBe(false);
        expect(plain.scopes).not.toContain(ADMIN_SCOPE);
      }
      expect((await me('alice')).scopes).toContain(ACCESS_SCOPE);
    });

    it("renders the catalog's profile list as the hub's spawn form", async () => {
      const browser = await hub.loginWithBrowser('alice');
      const { response } = await browser.fetch(`${hub.url}/hub/spawn`);
      const html = await response.text();
      expect(response.status, html.slice(0, 2000)).toBe(200);
      const profiles = toProfileList(catalog);
      expect(profiles.length).toBeGreaterThan(1);
      for (const profile of profiles) {
        expect(html).toContain(profile.display_name);
        expect(html).toContain(`value="${profile.slug}"`);
      }
    });

    it('spawns a server with a profile: PVC claim-alice (10Gi) mounted at /home/jovyan, a restricted pod as uid 1000', async () => {
      const started = await hub.api('/users/alice/server', {
        method: 'POST',
        // As docs/install.md step 8: the body is the user_options (JupyterHub 5 and 6).
        body: JSON.stringify({ profile: environment?.id }),
      });
      expect([201, 202]).toContain(started.status);

      let pod: V1Pod | undefined;
      await waitUntil(
        "alice's pod",
        async () => {
          pod = (await core.listNamespacedPod({ namespace, labelSelector: 'hub.jupyter.org/username=alice' }))
            .items[0];
          return pod !== undefined;
        },
        { timeoutMs: 30_000 },
      ).catch((err: Error) => {
        throw new Error(`${err.message}; the hub's log ends:\n${logTail(hub.logFile)}`);
      });
      const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'claim-alice', namespace });
      expect(claim.spec?.resources?.requests?.storage).toBe('10Gi');
      expect(claim.spec?.accessModes).toEqual(['ReadWriteOnce']);
      expect(claim.spec?.storageClassName).toBe('test-rwo');

      const spec = pod?.spec;
      const home = spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === 'claim-alice');
      expect(home).toBeDefined();
      const container = spec?.containers[0];
      expect(container?.volumeMounts?.find((m) => m.name === home?.name)?.mountPath).toBe('/home/jovyan');
      expect(container?.image).toBe(environment?.image);
      expect(spec?.securityContext).toMatchObject({ fsGroup: 100, runAsNonRoot: true });
      expect(container?.securityContext).toMatchObject({
        runAsUser: 1000,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(spec?.initContainers ?? []).toEqual([]);

      const stopped = await hub.api('/users/alice/server', { method: 'DELETE' });
      expect([202, 204]).toContain(stopped.status);
      await waitUntil(
        "alice's server stopped",
        async () => {
          const user = (await (await hub.api('/users/alice')).json()) as { servers: Record<string, unknown> };
          return user.servers[''] === undefined;
        },
        { timeoutMs: 60_000 },
      );
    });
  });

  it('helm uninstall removes every object of the release but the artifacts PVC it keeps', async () => {
    await helm(['uninstall', 'turing', '-n', namespace], { kubeconfigPath });
    expect(names(await releaseObjects())).toEqual(['PersistentVolumeClaim/turing-artifacts']);
    // CRDs stay (helm never deletes crds/), and so do users' home claims (z2jh's, not Turing's).
    expect(await kubectl('get', 'crd', 'notebookjobs.turing.dev', '-o', 'name')).toContain(
      'notebookjobs.turing.dev',
    );
    expect(
      (await core.readNamespacedPersistentVolumeClaim({ name: 'claim-alice', namespace })).metadata?.name,
    ).toBe('claim-alice');
  });

  function deployment(): HubProxyDeployment {
    const found = byName('Deployment', 'turing-hub-proxy');
    if (!found) throw new Error('no Deployment turing-hub-proxy');
    return found as unknown as HubProxyDeployment;
  }
});

/** The parts of the hub-proxy Deployment the z2jh values must agree with. */
interface HubProxyDeployment {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: PodTemplateSpec } };
}

interface PodTemplateSpec {
  volumes: Array<{
    name: string;
    secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  }>;
  containers: Array<{ name: string; ports: Array<{ name: string; containerPort: number }> }>;
}

interface TuringNetworkPolicy {
  spec: {
    ingress: Array<{
      ports?: Array<{ port: number | string }>;
      from: Array<{ podSelector?: { matchLabels?: Record<string, string> } }>;
    }>;
  };
}
