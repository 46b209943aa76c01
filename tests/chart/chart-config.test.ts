import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../hub-proxy/src/config/load.js';
import { loadCatalog } from '../../hub-proxy/src/environments/index.js';
import { loadHubProxyConfig } from '../../hub-proxy/src/features.js';
import {
  CHART_VARIANTS,
  GPU_VARIANT_TYPE,
  VARIANT_NAMES,
  findObject,
  hubProxyDeployment,
  type ChartValues,
  type RenderedVolume,
} from '../support/chart-variants.js';
import { renderChart, type RenderedObject } from '../support/helm.js';

/**
 * The TURING_CONFIG the chart renders, loaded by hub-proxy's real loader
 * (`loadHubProxyConfig`: `loadConfig` of config/load.ts with every feature's
 * section, as main.ts runs it) exactly as the pod would: the environment the
 * Deployment sets, and the files its volumes mount at their paths. A wrong
 * `hubProxy.config` value is refused with the field named.
 */

/** The token the test puts in place of the hub Secret's. */
const HUB_TOKEN = 'chart-config-test-hub-token-0123456789';

/** What the hub-proxy container sees: its environment and the files under its mounts. */
interface PodView {
  env: Record<string, string>;
  files: Map<string, string>;
  mounts: Map<string, RenderedVolume>;
}

function podView(objects: RenderedObject[]): PodView {
  const { spec } = hubProxyDeployment(objects).spec.template;
  const [container] = spec.containers;
  if (!container) throw new Error('no container');
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = e.value ?? (ref ? `from-secret-${ref.name}-${ref.key}` : '');
  }
  const files = new Map<string, string>();
  const mounts = new Map<string, RenderedVolume>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`mount ${mount.name} has no volume`);
    mounts.set(mount.mountPath, volume);
    if (volume.configMap) {
      const data =
        (findObject(objects, 'ConfigMap', volume.configMap.name) as { data?: Record<string, string> }).data ??
        {};
      const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const { key, path } of items) files.set(`${mount.mountPath}/${path}`, data[key] ?? '');
    }
    if (volume.secret) {
      for (const { path } of volume.secret.items ?? [])
        files.set(`${mount.mountPath}/${path}`, `${HUB_TOKEN}\n`);
    }
  }
  return { env, files, mounts };
}

/** hub-proxy's config as the pod would load it. */
function loadInPod(view: PodView) {
  return loadHubProxyConfig({
    env: view.env,
    readFile: (path) => {
      const text = view.files.get(path);
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
  });
}

async function loadVariant(values: ChartValues, options: { namespace?: string; releaseName?: string } = {}) {
  const objects = await renderChart({ values, ...options });
  const view = podView(objects);
  return { objects, view, config: loadInPod(view) };
}

/** `http://<service>.<namespace>.svc:<port>` of the Service port named `portName`. */
function serviceUrl(objects: RenderedObject[], name: string, portName: string, namespace: string): string {
  const service = findObject(objects, 'Service', name) as {
    spec?: { ports: { name: string; port: number }[] };
  };
  const port = service.spec?.ports.find((p) => p.name === portName)?.port;
  return `http://${name}.${namespace}.svc:${port}`;
}

let seedDir: string;
beforeAll(() => {
  seedDir = mkdtempSync(join(tmpdir(), 'turing-chart-seed-'));
});
afterAll(() => rmSync(seedDir, { recursive: true, force: true }));

describe('the rendered TURING_CONFIG, loaded by hub-proxy as the pod would', () => {
  it.each(VARIANT_NAMES)(
    'loads for the %s variant, pointing at what the chart renders and mounts',
    async (name) => {
      const { objects, view, config } = await loadVariant(CHART_VARIANTS[name]);
      expect(view.env.TURING_CONFIG).toBe('/etc/turing/config/config.json');
      expect(config).toMatchObject({
        runtime: 'kubernetes',
        namespace: 'jhub',
        apiToken: HUB_TOKEN,
        hubApiUrl: 'http://hub:8081/hub/api',
        listenHost: '0.0.0.0',
        listenPort: 8000,
        opsListenHost: '0.0.0.0',
        opsListenPort: 9090,
        servicePrefix: '/services/turing/',
        leaseName: 'turing-hub-proxy-controllers',
      });
      const api = `${serviceUrl(objects, 'turing-hub-proxy', 'http', 'jhub')}/services/turing/`;
      expect(config.jobs.runnerApiUrl).toBe(api);
      expect(config.models.artifactApiUrl).toBe(api);
      expect(config.models).toMatchObject({
        apiKeyListenHost: '0.0.0.0',
        apiKeyListenPort: 8082,
        apiKeyBaseUrl: serviceUrl(objects, 'turing-models', 'gateway', 'jhub'),
      });
      // The runner ConfigMap the config names is one the chart renders.
      expect(findObject(objects, 'ConfigMap', config.jobs.runnerConfigMap).data).toHaveProperty([
        'turing_runner.py',
      ]);
      // The seed files the config names are mounted there.
      expect(view.files.has(config.catalogPath)).toBe(true);
      expect(view.files.has(config.compatibilityPath ?? '')).toBe(true);
      if (config.artifacts.backend === 'filesystem') {
        expect(view.mounts.get(config.artifacts.directory)?.persistentVolumeClaim?.claimName).toBe(
          'turing-artifacts',
        );
      } else {
        expect(config.artifacts).toMatchObject({ bucket: 'turing-artifacts', forcePathStyle: true });
        expect(config.artifacts).not.toHaveProperty('accessKeyId');
        expect(view.env.AWS_ACCESS_KEY_ID).toBe('from-secret-turing-s3-access-key');
      }
    },
  );

  it.each(VARIANT_NAMES)('seeds a catalog that hub-proxy loader accepts for the %s variant', async (name) => {
    const { view, config } = await loadVariant(CHART_VARIANTS[name]);
    const catalogFile = join(seedDir, `${name}-catalog.yaml`);
    const compatibilityFile = join(seedDir, `${name}-compatibility.yaml`);
    writeFileSync(catalogFile, view.files.get(config.catalogPath) ?? '');
    writeFileSync(compatibilityFile, view.files.get(config.compatibilityPath ?? '') ?? '');
    const catalog = loadCatalog(catalogFile, compatibilityFile);
    expect(catalog.environments.length).toBeGreaterThan(0);
    if (name === 'gpu') {
      expect(catalog.gpuTypes[GPU_VARIANT_TYPE.id]?.tolerations).toEqual(GPU_VARIANT_TYPE.tolerations);
    }
  });

  it('follows the release: its name prefixes every object the config names, its namespace is the config namespace', async () => {
    const { objects, config } = await loadVariant({}, { releaseName: 'analytics', namespace: 'ml' });
    expect(config.namespace).toBe('ml');
    expect(config.jobs.runnerApiUrl).toBe(
      `${serviceUrl(objects, 'analytics-turing-hub-proxy', 'http', 'ml')}/services/turing/`,
    );
    expect(findObject(objects, 'ConfigMap', config.jobs.runnerConfigMap).metadata.name).toBe(
      'analytics-turing-runner',
    );
    expect(config.catalogConfigMap).toBe('analytics-turing-catalog');
    expect(config.leaseName).toBe('analytics-turing-hub-proxy-controllers');
    expect(objects.map((o) => o.metadata.name)).not.toContain(config.catalogConfigMap);
  });

  it('deep-merges hubProxy.config over the derived keys, keeping their siblings', async () => {
    const { config } = await loadVariant({
      hubProxy: {
        config: { jobs: { maxNotebookBytes: 1048576, limits: { jobsPerUser: 7 } }, logLevel: 'debug' },
      },
    });
    expect(config.logLevel).toBe('debug');
    expect(config.jobs).toMatchObject({
      maxNotebookBytes: 1048576,
      runnerConfigMap: 'turing-runner',
      limits: { jobsPerUser: 7 },
    });
    expect(config.jobs.runnerApiUrl).toMatch(/^http:\/\/turing-hub-proxy\.jhub\.svc:8000\//);
  });

  it('turns the API-key listener off when modelGateway.enabled is false', async () => {
    const { objects, config } = await loadVariant({ modelGateway: { enabled: false } });
    expect(config.models.apiKeyListenPort).toBe(-1);
    expect(config.models.apiKeyBaseUrl).toBeUndefined();
    expect(objects.some((o) => o.kind === 'Service' && o.metadata.name === 'turing-models')).toBe(false);
  });

  it('refuses a jobs.limits value of the wrong type, naming the field', async () => {
    let error: unknown;
    try {
      await loadVariant({ hubProxy: { config: { jobs: { limits: { jobsPerUser: 'many' } } } } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).fields).toEqual(['jobs.limits.jobsPerUser']);
    expect((error as ConfigError).message).toMatch(/jobs\.limits\.jobsPerUser/);
  });

  it('refuses a misspelt key, naming it', async () => {
    await expect(loadVariant({ hubProxy: { config: { jobz: { maxNotebookBytes: 1 } } } })).rejects.toThrow(
      /jobz: unknown config field/,
    );
  });
});
