import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CHART_VARIANTS,
  GPU_VARIANT_TYPE,
  VARIANT_NAMES,
  configMapData,
  findObject,
  hubProxyContainer,
  hubProxyDeployment,
  lintChart,
  objectsOf,
  renderedConfig,
  templateText,
  type ChartValues,
  type VariantName,
  type Workload,
} from '../support/chart-variants.js';
import { CHART_DIR, helm, parseRendered, renderChart, type RenderedObject } from '../support/helm.js';

/**
 * The Turing chart rendered by the Go-built helm: lint, what each values
 * variant changes, the schema's refusals, and that the symlinked files
 * (runner/, images/catalog.yaml) survive `helm package`.
 */

const repoRoot = resolve(import.meta.dirname, '..', '..');
const appVersion = String(
  (parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { appVersion: unknown }).appVersion,
);

const rendered = new Map<VariantName, RenderedObject[]>();
const variant = (name: VariantName): RenderedObject[] => {
  const objects = rendered.get(name);
  if (!objects) throw new Error(`variant ${name} was not rendered`);
  return objects;
};
const hubProxy = hubProxyDeployment;
const container = hubProxyContainer;
const configOf = renderedConfig;
const dataOf = configMapData;

/** The helm error for `values`, or a failure if helm accepted them. */
async function renderError(values: ChartValues): Promise<string> {
  try {
    await renderChart({ values });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`helm accepted ${JSON.stringify(values)}`);
}

beforeAll(async () => {
  for (const name of VARIANT_NAMES) rendered.set(name, await renderChart({ values: CHART_VARIANTS[name] }));
});

describe('helm lint --strict', () => {
  it.each(VARIANT_NAMES)('passes for the %s variant', async (name) => {
    const out = await lintChart(CHART_VARIANTS[name]);
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });
});

describe('the default values', () => {
  it('run 2 replicas of the pinned image, rolling one new pod in before an old one goes, spread across nodes', () => {
    const deployment = hubProxy(variant('default'));
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(container(variant('default')).image).toBe(`ghcr.io/turing-platform/hub-proxy:${appVersion}`);
    const anti = deployment.spec.template.spec.affinity?.podAntiAffinity as {
      preferredDuringSchedulingIgnoredDuringExecution: { podAffinityTerm: { topologyKey: string } }[];
    };
    expect(anti.preferredDuringSchedulingIgnoredDuringExecution[0]?.podAffinityTerm.topologyKey).toBe(
      'kubernetes.io/hostname',
    );
  });

  it('use no :latest image anywhere', () => {
    for (const name of VARIANT_NAMES) {
      for (const w of objectsOf(variant(name), 'Deployment') as unknown as Workload[]) {
        for (const c of [
          ...w.spec.template.spec.containers,
          ...(w.spec.template.spec.initContainers ?? []),
        ]) {
          // A tag (or digest) is always given, and it is never `latest`.
          expect(c.image, `${name}: ${c.name}`).toMatch(/(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/);
          expect(c.image, `${name}: ${c.name}`).not.toMatch(/:latest$/);
        }
      }
    }
  });

  it('give every container the restricted securityContext with a read-only root and a /tmp emptyDir', () => {
    for (const name of VARIANT_NAMES) {
      for (const w of objectsOf(variant(name), 'Deployment') as unknown as Workload[]) {
        const pod = w.spec.template.spec;
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
        for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
          expect(c.securityContext, `${name}: ${c.name}`).toMatchObject({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          });
          const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect(pod.volumes?.find((v) => v.name === tmp?.name)).toHaveProperty('emptyDir');
        }
      }
    }
  });

  it('probe /healthz and /readyz on the operations port and expose the API and gateway ports by name', () => {
    const c = container(variant('default'));
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8000 },
      { name: 'ops', containerPort: 9090 },
      { name: 'gateway', containerPort: 8082 },
    ]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'ops' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'ops' });
  });

  it('mount the hub token from the z2jh hub Secret as a file, and keep it out of the ConfigMap', () => {
    const objects = variant('default');
    const pod = hubProxy(objects).spec.template.spec;
    const c = container(objects);
    const tokenFile = c.env?.find((e) => e.name === 'TURING_API_TOKEN_FILE')?.value ?? '';
    const volume = pod.volumes?.find((v) =>
      tokenFile.startsWith(`${c.volumeMounts?.find((m) => m.name === v.name)?.mountPath}/`),
    );
    expect(volume?.secret).toEqual({
      secretName: 'hub',
      items: [{ key: 'hub.services.turing.apiToken', path: 'token' }],
    });
    expect(tokenFile).toBe('/etc/turing/hub-token/token');
    expect(configOf(objects)).not.toHaveProperty('apiToken');
  });

  it('roll the pods when the config changes (checksum annotation)', async () => {
    const changed = await renderChart({ values: { hubProxy: { config: { logLevel: 'debug' } } } });
    const before = hubProxy(variant('default')).spec.template.metadata.annotations?.['checksum/config'];
    const after = hubProxy(changed).spec.template.metadata.annotations?.['checksum/config'];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('let z2jh hub NetworkPolicy admit hub-proxy pods (hub.jupyter.org/network-access-hub)', () => {
    expect(hubProxy(variant('default')).spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'turing',
      'app.kubernetes.io/component': 'hub-proxy',
      'hub.jupyter.org/network-access-hub': 'true',
    });
  });

  it('render a PodDisruptionBudget of maxUnavailable 1 and a ReadWriteMany artifact PVC kept on uninstall', () => {
    const objects = variant('default');
    expect(findObject(objects, 'PodDisruptionBudget', 'turing-hub-proxy').spec).toMatchObject({
      maxUnavailable: 1,
    });
    const pvc = findObject(objects, 'PersistentVolumeClaim', 'turing-artifacts');
    expect(pvc.spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '20Gi' } },
    });
    expect(pvc.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(configOf(objects).artifacts).toEqual({
      backend: 'filesystem',
      directory: '/srv/turing/artifacts',
    });
  });

  it('expose the API, the model gateway and the operations port on three Services, ops only on the metrics one', () => {
    const objects = variant('default');
    const ports = (name: string) =>
      (findObject(objects, 'Service', name).spec as { ports: { name: string; port: number }[] }).ports.map(
        (p) => `${p.name}/${p.port}`,
      );
    expect(ports('turing-hub-proxy')).toEqual(['http/8000']);
    expect(ports('turing-models')).toEqual(['gateway/8082']);
    expect(ports('turing-hub-proxy-metrics')).toEqual(['ops/9090']);
    expect(objects.some((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))).toBe(false);
  });

  it('never render the editable catalog or quotas ConfigMaps that hub-proxy owns', () => {
    const objects = variant('default');
    const config = configOf(objects);
    expect(config.catalogConfigMap).toBe('turing-catalog');
    expect(config.quotasConfigMap).toBe('turing-quotas');
    const names = objects.map((o) => o.metadata.name);
    expect(names).not.toContain('turing-catalog');
    expect(names).not.toContain('turing-quotas');
  });

  it('seed the catalog from images/ through the files/ symlinks, mounted where catalogPath points', () => {
    const objects = variant('default');
    const seed = dataOf(objects, 'turing-catalog-seed');
    expect(seed['catalog.yaml']).toBe(readFileSync(join(repoRoot, 'images', 'catalog.yaml'), 'utf8'));
    expect(seed['compatibility.yaml']).toBe(
      readFileSync(join(repoRoot, 'images', 'compatibility.yaml'), 'utf8'),
    );
    const mount = container(objects).volumeMounts?.find((m) => m.name === 'catalog-seed');
    expect(configOf(objects).catalogPath).toBe(`${mount?.mountPath}/catalog.yaml`);
  });

  it('put every runner/*.py into the runner ConfigMap that config jobs.runnerConfigMap names', () => {
    const objects = variant('default');
    const name = configOf(objects).jobs.runnerConfigMap as string;
    const data = dataOf(objects, name);
    const sources = readdirSync(join(repoRoot, 'runner')).filter((f) => f.endsWith('.py'));
    expect(sources).toContain('turing_runner.py');
    expect(Object.keys(data).sort()).toEqual(sources.sort());
    for (const file of sources) expect(data[file]).toBe(readFileSync(join(repoRoot, 'runner', file), 'utf8'));
  });

  it('ship turing_profiles.py for the hub in "<fullname>-hub-config"', () => {
    expect(dataOf(variant('default'), 'turing-hub-config')['turing_profiles.py']).toBe(
      readFileSync(join(CHART_DIR, 'files', 'turing_profiles.py'), 'utf8'),
    );
  });

  it('admit the hub, the proxy, run pods, model pods and user servers to the API port, and the namespace to the gateway', () => {
    const policy = findObject(variant('default'), 'NetworkPolicy', 'turing-hub-proxy').spec as {
      policyTypes: string[];
      ingress: { ports: { port: string }[]; from: Record<string, unknown>[] }[];
    };
    expect(policy.policyTypes).toEqual(['Ingress']);
    const api = policy.ingress.find((r) => r.ports.some((p) => p.port === 'http'));
    expect(api?.from).toEqual([
      { podSelector: { matchLabels: { app: 'jupyterhub', component: 'hub' } } },
      { podSelector: { matchLabels: { app: 'jupyterhub', component: 'proxy' } } },
      { podSelector: { matchExpressions: [{ key: 'turing.dev/notebookjob', operator: 'Exists' }] } },
      { podSelector: { matchExpressions: [{ key: 'turing.dev/model', operator: 'Exists' }] } },
      { podSelector: { matchLabels: { app: 'jupyterhub', component: 'singleuser-server' } } },
    ]);
    const gateway = policy.ingress.find((r) => r.ports.some((p) => p.port === 'gateway'));
    expect(gateway?.from).toEqual([{ podSelector: {} }]);
    expect(policy.ingress.some((r) => r.ports.some((p) => p.port === 'ops'))).toBe(false);
  });

  it('deny run and model pods the cloud metadata addresses and the private ranges', () => {
    for (const name of ['turing-runs', 'turing-models']) {
      const spec = findObject(variant('default'), 'NetworkPolicy', name).spec as {
        policyTypes: string[];
        egress: { to: { ipBlock?: { cidr: string; except?: string[] } }[] }[];
      };
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
      const blocks = spec.egress.flatMap((r) => r.to).flatMap((p) => (p.ipBlock ? [p.ipBlock] : []));
      expect(blocks.find((b) => b.cidr === '0.0.0.0/0')?.except).toEqual(
        expect.arrayContaining(['169.254.169.254/32', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
      );
      expect(blocks.find((b) => b.cidr === '::/0')?.except).toEqual(
        expect.arrayContaining(['fd00:ec2::254/128', 'fc00::/7']),
      );
    }
  });
});

describe('the variants', () => {
  it('s3: no PVC or artifacts volume; the bucket in the config and the keys from the existing Secret', () => {
    const objects = variant('s3');
    expect(objectsOf(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(hubProxy(objects).spec.template.spec.volumes?.map((v) => v.name)).not.toContain('artifacts');
    expect(configOf(objects).artifacts).toEqual({
      backend: 's3',
      endpoint: 'http://minio.storage.svc:9000',
      bucket: 'turing-artifacts',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    const env = container(objects).env ?? [];
    expect(env.find((e) => e.name === 'AWS_ACCESS_KEY_ID')?.valueFrom).toEqual({
      secretKeyRef: { name: 'turing-s3', key: 'access-key' },
    });
    expect(env.find((e) => e.name === 'AWS_SECRET_ACCESS_KEY')?.valueFrom).toEqual({
      secretKeyRef: { name: 'turing-s3', key: 'secret-key' },
    });
  });

  it('gpu: seeds the catalog with the added GPU type, its tolerations and extra node label', () => {
    const seed = parse(dataOf(variant('gpu'), 'turing-catalog-seed')['catalog.yaml'] ?? '') as {
      gpuTypes: Record<string, unknown>;
      environments: { gpu?: { types: string[] } }[];
    };
    const { id, ...type } = GPU_VARIANT_TYPE;
    expect(seed.gpuTypes[id]).toEqual(type);
    const gpuEnvs = seed.environments.filter((e) => e.gpu);
    expect(gpuEnvs.length).toBeGreaterThan(0);
    for (const env of gpuEnvs) expect(env.gpu?.types).toContain(id);
    expect(configOf(variant('gpu'))).toMatchObject({ quotas: { defaultMaxGpus: 4 } });
  });

  it('one-replica: 1 replica, no PodDisruptionBudget, still a Lease name for the controllers', () => {
    const objects = variant('one-replica');
    expect(hubProxy(objects).spec.replicas).toBe(1);
    expect(objectsOf(objects, 'PodDisruptionBudget')).toEqual([]);
    expect(configOf(objects).leaseName).toBe('turing-hub-proxy-controllers');
  });

  it('no-network-policy: no NetworkPolicy at all, everything else unchanged', () => {
    const objects = variant('no-network-policy');
    expect(objectsOf(objects, 'NetworkPolicy')).toEqual([]);
    expect(
      objectsOf(variant('default'), 'NetworkPolicy')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['turing-hub-proxy', 'turing-models', 'turing-runs']);
    const names = (objects: RenderedObject[]) =>
      objects.filter((o) => o.kind !== 'NetworkPolicy').map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names(objects)).toEqual(names(variant('default')));
  });

  it("keeps users' servers off the API port when networkPolicy.hubProxy.allowUserServers is false", async () => {
    const objects = await renderChart({
      values: { networkPolicy: { hubProxy: { allowUserServers: false, gatewayNamespaces: ['ml-apps'] } } },
      showOnly: ['templates/hub-proxy/networkpolicy.yaml'],
    });
    const spec = findObject(objects, 'NetworkPolicy', 'turing-hub-proxy').spec as {
      ingress: {
        ports: { port: string }[];
        from: { podSelector?: { matchLabels?: Record<string, string> } }[];
      }[];
    };
    const api = spec.ingress.find((r) => r.ports.some((p) => p.port === 'http'));
    expect(api?.from.map((peer) => peer.podSelector?.matchLabels?.component)).not.toContain(
      'singleuser-server',
    );
    expect(api?.from).toHaveLength(4);
    const gateway = spec.ingress.find((r) => r.ports.some((p) => p.port === 'gateway'));
    expect(gateway?.from).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ml-apps' } } },
    ]);
  });

  it('opens what networkPolicy.models.egressAllowRules switches on, and appends the extra egress rules', async () => {
    const extra = { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] };
    const objects = await renderChart({
      values: {
        networkPolicy: {
          models: { egressAllowRules: { cloudMetadataServer: true, dns: false }, egress: [extra] },
        },
      },
      showOnly: ['templates/models/networkpolicy.yaml'],
    });
    const egress = (findObject(objects, 'NetworkPolicy', 'turing-models').spec as { egress: unknown[] })
      .egress;
    const v4 = {
      ipBlock: {
        cidr: '0.0.0.0/0',
        except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'],
      },
    };
    const v6 = { ipBlock: { cidr: '::/0', except: ['fc00::/7'] } };
    expect(egress.slice(1)).toEqual([{ to: [v4, v6] }, extra]);
  });

  it('renders a ServiceMonitor for the metrics Service when metrics.serviceMonitor.enabled', async () => {
    const objects = await renderChart({
      values: { metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } } } },
    });
    const monitor = findObject(objects, 'ServiceMonitor', 'turing-hub-proxy');
    expect(monitor.metadata.labels).toMatchObject({ release: 'prom' });
    const spec = monitor.spec as { selector: { matchLabels: Record<string, string> }; endpoints: unknown[] };
    expect(spec.endpoints).toEqual([{ port: 'ops', path: '/metrics', interval: '30s' }]);
    const service = findObject(objects, 'Service', 'turing-hub-proxy-metrics');
    expect(service.metadata.labels).toMatchObject(spec.selector.matchLabels);
  });

  it("caps V8's heap at hubProxy.heapLimitMiB (256 by default) and leaves Node's default at 0", async () => {
    const nodeOptions = (objects: RenderedObject[]) =>
      container(objects).env?.find((e) => e.name === 'NODE_OPTIONS')?.value;
    expect(nodeOptions(variant('default'))).toBe('--max-old-space-size=256');
    expect(nodeOptions(await renderChart({ values: { hubProxy: { heapLimitMiB: 384 } } }))).toBe(
      '--max-old-space-size=384',
    );
    expect(nodeOptions(await renderChart({ values: { hubProxy: { heapLimitMiB: 0 } } }))).toBeUndefined();
  });

  it("keeps the image's ENTRYPOINT by default and replaces its Node flags with hubProxy.nodeFlags", async () => {
    expect(container(variant('default')).command).toBeUndefined();
    const flagged = await renderChart({ values: { hubProxy: { nodeFlags: ['--optimize-for-size'] } } });
    const entrypoint = /ENTRYPOINT (\[.*\])/.exec(
      readFileSync(resolve(repoRoot, 'images/hub-proxy/Dockerfile'), 'utf8'),
    )?.[1];
    const script = (JSON.parse(entrypoint ?? '[]') as string[]).at(-1);
    expect(script).toMatch(/^\/app\/.*\.mjs$/);
    expect(container(flagged).command).toEqual(['node', '--optimize-for-size', script]);
    await expect(renderChart({ values: { hubProxy: { nodeFlags: ['rm -rf /'] } } })).rejects.toThrow(
      /nodeFlags/,
    );
  });
});

describe('values.schema.json', () => {
  it('describes every key it declares, and values.yaml comments every key', () => {
    interface Schema {
      description?: string;
      properties?: Record<string, Schema>;
    }
    const undescribed: string[] = [];
    const walk = (schema: Schema, path: string) => {
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (!child.description) undescribed.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
    };
    walk(JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as Schema, '');
    expect(undescribed).toEqual([]);
    const lines = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8').split('\n');
    const uncommented = lines.filter(
      (line, i) => /^\s*[A-Za-z]\w*:/.test(line) && !lines[i - 1]?.trim().startsWith('#'),
    );
    expect(uncommented).toEqual([]);
  });

  it('rejects a replicaCount of "two", naming hubProxy.replicas', async () => {
    const message = await renderError({ hubProxy: { replicas: 'two' } });
    expect(message).toMatch(/\/hubProxy\/replicas/);
    expect(message).toMatch(/got string, want integer/);
  });

  it('rejects an unknown key, naming it', async () => {
    expect(await renderError({ hubProxy: { replica: 2 } })).toMatch(/\/hubProxy.*'replica' not allowed/);
  });

  it('rejects the hub token in hubProxy.config (secrets never go in the ConfigMap)', async () => {
    expect(await renderError({ hubProxy: { config: { apiToken: 'a-token-in-a-configmap' } } })).toMatch(
      /\/hubProxy\/config\/apiToken/,
    );
  });

  it('rejects the image tag latest', async () => {
    expect(await renderError({ hubProxy: { image: { tag: 'latest' } } })).toMatch(/\/hubProxy\/image\/tag/);
  });

  it('rejects the s3 backend without a bucket, naming artifacts.s3.bucket', async () => {
    expect(await renderError({ artifacts: { backend: 's3' } })).toMatch(/\/artifacts\/s3\/bucket/);
  });
});

describe('helm package', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'turing-package-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves the files/ symlinks: the packaged chart renders exactly as the directory does', async () => {
    await helm(['package', CHART_DIR, '--destination', dir]);
    const archive = join(
      dir,
      `turing-${String((parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { version: unknown }).version)}.tgz`,
    );
    const fromArchive = await templateText(archive, {});
    expect(parseRendered(fromArchive).length).toBe(variant('default').length);
    expect(fromArchive).toBe(await templateText(CHART_DIR, {}));
    expect(fromArchive).not.toContain('__pycache__');
  });
});
