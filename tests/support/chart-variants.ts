import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { CHART_DIR, helm, type RenderedObject } from './helm.js';

/**
 * The named values variants of the Turing chart that the chart tests render,
 * lint, dry-run and load (issue 15: default, S3, GPU, one replica, no
 * NetworkPolicy). Each is a values object merged over values.yaml.
 */

const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Values of a variant, as a `-f` file would hold them. */
export type ChartValues = Record<string, unknown>;

/** The shipped catalog, parsed: the gpu variant extends it, so it stays valid as the catalog changes. */
function shippedCatalog(): { gpuTypes?: Record<string, unknown>; environments: Record<string, unknown>[] } {
  return parse(readFileSync(join(repoRoot, 'images', 'catalog.yaml'), 'utf8')) as {
    gpuTypes?: Record<string, unknown>;
    environments: Record<string, unknown>[];
  };
}

/** The GPU type the gpu variant adds: GKE-style L4 nodes with their own taint and an extra node label. */
export const GPU_VARIANT_TYPE = {
  id: 'l4',
  displayName: 'NVIDIA L4 (24 GB)',
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }],
} as const;

function gpuSeed(): ChartValues {
  const catalog = shippedCatalog();
  const { id, ...type } = GPU_VARIANT_TYPE;
  return {
    ...catalog,
    gpuTypes: { ...catalog.gpuTypes, [id]: type },
    // Every GPU environment may also run on the new type.
    environments: catalog.environments.map((env) => {
      const gpu = env.gpu as { types: string[] } | undefined;
      return gpu ? { ...env, gpu: { ...gpu, types: [...gpu.types, id] } } : env;
    }),
  };
}

/** The variants, by name. */
export const CHART_VARIANTS = {
  /** values.yaml as shipped: 2 replicas, filesystem PVC, NetworkPolicies on. */
  default: {},
  /** The S3 artifact store with credentials from an existing Secret (no PVC). */
  s3: {
    artifacts: {
      backend: 's3',
      s3: {
        endpoint: 'http://minio.storage.svc:9000',
        bucket: 'turing-artifacts',
        region: 'eu-west-1',
        forcePathStyle: true,
        existingSecret: 'turing-s3',
        accessKeyIdKey: 'access-key',
        secretAccessKeyKey: 'secret-key',
      },
    },
  },
  /** A catalog seed with one more (tainted) GPU type, and a larger GPU quota seed. */
  gpu: {
    catalog: { seed: gpuSeed() },
    hubProxy: { config: { quotas: { defaultMaxGpus: 4 } } },
  },
  /** One replica: no PodDisruptionBudget (it would block node drains); the Lease still elects it. */
  'one-replica': { hubProxy: { replicas: 1 } },
  /** NetworkPolicies off (a cluster without an enforcing CNI, or policies managed elsewhere). */
  'no-network-policy': { networkPolicy: { enabled: false } },
} satisfies Record<string, ChartValues>;

/** A variant's name. */
export type VariantName = keyof typeof CHART_VARIANTS;

/** Every variant's name, in a stable order. */
export const VARIANT_NAMES = Object.keys(CHART_VARIANTS) as VariantName[];

/** Runs `fn` with `values` written to a temporary values file, removed afterwards. */
export async function withValuesFile<T>(values: ChartValues, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'turing-variant-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, stringify(values));
    return await fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm lint --strict` of the chart with `values`; resolves with helm's output, rejects on a failure. */
export async function lintChart(values: ChartValues): Promise<string> {
  return withValuesFile(values, async (file) => {
    const { stdout } = await helm(['lint', '--strict', CHART_DIR, '-f', file]);
    return stdout;
  });
}

/** `helm template` of a chart directory or packaged chart, as text. */
export async function templateText(
  chart: string,
  values: ChartValues,
  options: { namespace?: string; releaseName?: string } = {},
): Promise<string> {
  return withValuesFile(values, async (file) => {
    const { stdout } = await helm([
      'template',
      options.releaseName ?? 'turing',
      chart,
      '--namespace',
      options.namespace ?? 'jhub',
      '-f',
      file,
    ]);
    return stdout;
  });
}

/** The one object of `kind` named `name`; throws naming what was rendered when it is missing. */
export function findObject(objects: RenderedObject[], kind: string, name: string): RenderedObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const rendered = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} among ${rendered}`);
  }
  return found;
}

/** The objects of `kind`. */
export function objectsOf(objects: RenderedObject[], kind: string): RenderedObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** A container of a rendered pod template, as far as the chart tests read it. */
export interface RenderedContainer {
  name: string;
  image: string;
  /** Set only when the chart replaces the image's ENTRYPOINT (hubProxy.nodeFlags). */
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: { httpGet: { path: string; port: string | number } };
  readinessProbe?: { httpGet: { path: string; port: string | number } };
}

/** A volume of a rendered pod template. */
export interface RenderedVolume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[] };
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: Record<string, unknown>;
}

/** A rendered Deployment, as far as the chart tests read it. */
export interface Workload {
  spec: {
    replicas?: number;
    strategy?: Record<string, unknown>;
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        containers: RenderedContainer[];
        initContainers?: RenderedContainer[];
        securityContext?: Record<string, unknown>;
        volumes?: RenderedVolume[];
        affinity?: Record<string, unknown>;
      };
    };
  };
}

/** The hub-proxy Deployment (the one labelled component hub-proxy), whatever the release is called. */
export function hubProxyDeployment(objects: RenderedObject[]): RenderedObject & Workload {
  const found = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'hub-proxy',
  );
  if (!found) throw new Error('no hub-proxy Deployment rendered');
  return found as RenderedObject & Workload;
}

/** hub-proxy's container. */
export function hubProxyContainer(objects: RenderedObject[]): RenderedContainer {
  const container = hubProxyDeployment(objects).spec.template.spec.containers[0];
  if (!container) throw new Error('the hub-proxy Deployment has no container');
  return container;
}

/** The data of the ConfigMap `name`. */
export function configMapData(objects: RenderedObject[], name: string): Record<string, string> {
  return (findObject(objects, 'ConfigMap', name) as { data?: Record<string, string> }).data ?? {};
}

/** hub-proxy's rendered TURING_CONFIG (release `turing`), parsed but not validated. */
export function renderedConfig(objects: RenderedObject[]) {
  return JSON.parse(configMapData(objects, 'turing-hub-proxy-config')['config.json'] ?? 'null') as Record<
    string,
    unknown
  > & { artifacts: Record<string, unknown>; jobs: Record<string, unknown>; models: Record<string, unknown> };
}
