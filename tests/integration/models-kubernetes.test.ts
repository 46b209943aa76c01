import {
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Deployment,
  type V1EndpointSlice,
  type V1Pod,
  type V1PodDisruptionBudget,
  type V1Service,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Endpoint } from '../../hub-proxy/src/models/gateway/endpoint-source.js';
import type { ModelRecord, ModelSpec, ModelVersion } from '../../hub-proxy/src/models/model.js';
import { HmacModelArtifactTokens } from '../../hub-proxy/src/models/model-artifact-token.js';
import {
  ARTIFACT_TOKEN_KEY,
  ARTIFACT_TOKEN_RENEW_SECONDS,
  ARTIFACT_TOKEN_TTL_SECONDS,
  KubernetesModelRuntime,
  asModelServer,
  ensureArtifactSecret,
  modelsKubeApi,
  MODEL_LABELS,
  artifactSecretName,
  deploymentManifest,
  horizontalPodAutoscalerManifest,
  modelObjectName,
  modelServerObject,
  servingConfig,
  type ServingPodOptions,
} from '../../hub-proxy/src/models/kubernetes/index.js';
import {
  ControllerManager,
  KubeInvalidError,
  createKubeClients,
  isKubeError,
  serverSideApply,
} from '../../hub-proxy/src/k8s/index.js';
import { Conflict } from '../../hub-proxy/src/errors/index.js';
import { gpuPlacementOf } from '../../hub-proxy/src/environments/index.js';
import { installCrds } from '../support/crds.js';
import { eventually } from '../support/eventually.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { createNamespace } from '../support/namespaces.js';

const kubeconfigPath = inject('kubeconfigPath');
// The test's own reads, as the cluster admin.
const clients = createKubeClients({ kubeconfigPath, namespace: `models-${randomBytes(3).toString('hex')}` });
const { namespace } = clients;
// hub-proxy's: the chart's ServiceAccount with exactly the chart's RBAC, which needs the namespace first.
await createNamespace(kubeconfigPath, namespace);
const hubProxyClients = createKubeClients({
  kubeconfigPath: await hubProxyKubeconfig(kubeconfigPath, namespace),
  namespace,
});
const tokens = new HmacModelArtifactTokens('a test secret of at least sixteen characters');
const OWNER = 'alice@example.org';

// The GPU types of images/catalog.yaml that these tests' models name.
const TEST_GPU_TYPES = {
  gpuTypes: {
    t4: { displayName: 'T4', nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' }, tolerations: [] },
    a100: {
      displayName: 'A100',
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
      tolerations: [],
    },
  },
};

const podOptions: ServingPodOptions = {
  images: {
    tfserving: (version, gpu) => `tensorflow/serving:${version}${gpu ? '-gpu' : ''}`,
    mlserver: (version) => `seldonio/mlserver:${version}`,
  },
  artifactApiUrl: 'http://turing-hub-proxy.jhub.svc:8000/services/turing/',
  initImage: 'python:3.11-slim',
  gpuPlacementFor: (type) => gpuPlacementOf(TEST_GPU_TYPES, type),
};

// Always the leader: leader election has its own tests (k8s-leader-election, notebook-jobs-kubernetes).
const controllers = new ControllerManager({ leadership: { isLeader: true }, pollMs: 100 });
const runtime = new KubernetesModelRuntime({
  clients: hubProxyClients,
  controllers,
  tokens,
  ...podOptions,
  resyncMs: 2000,
});
const api = modelsKubeApi(hubProxyClients);

function version(n: number, format: ModelVersion['format'] = 'xgboost'): ModelVersion {
  const tensorflow = format === 'tensorflow';
  return {
    version: n,
    format,
    ...(tensorflow ? {} : { modelFile: 'model.json' }),
    files: tensorflow
      ? [
          { path: 'saved_model.pb', sizeBytes: 2000 },
          { path: 'variables/variables.index', sizeBytes: 100 },
        ]
      : [{ path: 'model.json', sizeBytes: 1200 }],
    storagePrefix: `users/alice/models/m/versions/${n}/`,
    sizeBytes: tensorflow ? 2100 : 1200,
    source: { kind: 'upload', by: OWNER },
    createdAt: '2026-12-01T10:00:00.000Z',
  };
}

function modelSpec(name: string, change: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name,
    owner: OWNER,
    runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
    format: 'xgboost',
    replicas: { min: 2, max: 4 },
    resources: { cpu: '500m', memory: '512Mi', gpu: 0 },
    access: { users: [], groups: [], apiKeys: false },
    apiKeys: [],
    versions: [version(1)],
    traffic: { stable: 1, canaryPercent: 0 },
    disabled: false,
    ...change,
  };
}

/** Read-modify-write with retries, as the models service does: status writes move resourceVersion. */
async function updateModel(name: string, edit: (spec: ModelSpec) => ModelSpec): Promise<ModelRecord> {
  for (let attempt = 1; ; attempt++) {
    const record = await runtime.get(name);
    if (!record) throw new Error(`${name} is gone`);
    try {
      return await runtime.update(edit(record.spec), record.resourceVersion);
    } catch (err) {
      if (!(err instanceof Conflict) || attempt >= 5) throw err;
    }
  }
}

const apps = clients.apps;
const readDeployment = (name: string): Promise<V1Deployment | undefined> =>
  apps.readNamespacedDeployment({ namespace, name }).catch(() => undefined);
const readService = (name: string): Promise<V1Service | undefined> =>
  clients.core.readNamespacedService({ namespace, name }).catch(() => undefined);
const readPdb = (name: string): Promise<V1PodDisruptionBudget | undefined> =>
  clients.customObjects
    .getNamespacedCustomObject({
      group: 'policy',
      version: 'v1',
      namespace,
      plural: 'poddisruptionbudgets',
      name,
    })
    .then((o) => o as V1PodDisruptionBudget)
    .catch(() => undefined);
const readHpa = (name: string): Promise<V2HorizontalPodAutoscaler | undefined> =>
  clients.customObjects
    .getNamespacedCustomObject({
      group: 'autoscaling',
      version: 'v2',
      namespace,
      plural: 'horizontalpodautoscalers',
      name,
    })
    .then((o) => o as V2HorizontalPodAutoscaler)
    .catch(() => undefined);
const podsOf = async (model: string): Promise<V1Pod[]> =>
  (await clients.core.listNamespacedPod({ namespace, labelSelector: `${MODEL_LABELS.model}=${model}` }))
    .items;
const configMapsOf = async (model: string): Promise<V1ConfigMap[]> =>
  (
    await clients.core.listNamespacedConfigMap({
      namespace,
      labelSelector: `${MODEL_LABELS.model}=${model},${MODEL_LABELS.role}=serving-config`,
    })
  ).items;
const slicesOf = async (model: string): Promise<V1EndpointSlice[]> =>
  (
    (await clients.customObjects.listNamespacedCustomObject({
      group: 'discovery.k8s.io',
      version: 'v1',
      namespace,
      plural: 'endpointslices',
      labelSelector: `kubernetes.io/service-name=${modelObjectName(model)}`,
    })) as { items: V1EndpointSlice[] }
  ).items;

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Waits until the model's ready endpoints satisfy `check`; returns them. */
function endpointsWhen(model: string, what: string, check: (endpoints: readonly Endpoint[]) => boolean) {
  return eventually(what, 30_000, () => {
    const endpoints = runtime.endpoints.endpoints(model);
    return check(endpoints) ? endpoints : undefined;
  });
}

/** The record once its status satisfies `check`. */
function statusWhen(model: string, what: string, check: (record: ModelRecord) => boolean) {
  return eventually(
    what,
    30_000,
    async () => {
      const record = await runtime.get(model);
      return record && check(record) ? record : undefined;
    },
    100,
  );
}

/** Every version label on the model's live pods, once they all agree on `label`. */
function podsServing(model: string, label: string, count: number) {
  return eventually(
    `${count} ready pods of ${model} serving ${label} and no others`,
    45_000,
    async () => {
      const pods = await podsOf(model);
      const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
      const ok =
        pods.length === count &&
        live.every((p) => p.metadata?.labels?.[MODEL_LABELS.versions] === label && isReady(p));
      return ok ? live : undefined;
    },
    200,
  );
}

describe('models on the kubernetes runtime (real kube-apiserver, controller-manager, kwok)', () => {
  beforeAll(async () => {
    await installCrds(kubeconfigPath);
    controllers.start();
    await runtime.start();
    await eventually('the ModelServer controller to run', 15_000, () => runtime.controller.isRunning);
  });
  afterAll(async () => {
    await controllers.stop();
    await runtime.stop();
    await clients.core.deleteNamespace({ name: namespace });
  });

  it('creates a valid Deployment, Service, PDB and HPA owned by the ModelServer, and refuses a taken name or a stale write', async () => {
    const created = await runtime.create(modelSpec('ctr'));
    expect(created.uid).toEqual(expect.any(String));
    const name = modelObjectName('ctr');
    const deployment = await eventually('the Deployment', 15_000, () => readDeployment(name), 100);
    const [service, pdb, hpa] = await eventually(
      'Service, PDB and HPA',
      15_000,
      async () => {
        const all = await Promise.all([readService(name), readPdb(name), readHpa(name)]);
        return all.every(Boolean) ? all : undefined;
      },
      100,
    );
    for (const object of [deployment, service, pdb, hpa]) {
      expect(object?.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ModelServer', name, uid: created.uid, controller: true }),
      ]);
    }
    expect(deployment.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject({
      [MODEL_LABELS.model]: 'ctr',
      [MODEL_LABELS.versions]: '1',
    });
    expect(service?.spec).toMatchObject({ type: 'ClusterIP', selector: { [MODEL_LABELS.model]: 'ctr' } });
    expect(service?.spec?.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080 })]);
    expect(pdb?.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(hpa?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(hpa?.spec?.metrics?.[0]?.resource?.name).toBe('cpu');

    // The init container's token: this model, this object, its versions.
    const secret = await clients.core.readNamespacedSecret({ namespace, name: artifactSecretName('ctr') });
    const claims = tokens.verify(Buffer.from(secret.data?.[ARTIFACT_TOKEN_KEY] ?? '', 'base64').toString());
    expect(claims).toMatchObject({ model: 'ctr', uid: created.uid, owner: OWNER, versions: [1] });

    // A good token is kept (pods and the Secret agree); one due for renewal is replaced.
    const server = asModelServer(runtime.caches.modelServers.get(name) ?? {});
    expect(await ensureArtifactSecret(api, server, tokens)).toMatchObject({ wrote: false });
    const dueAt = Date.now() + (ARTIFACT_TOKEN_TTL_SECONDS - ARTIFACT_TOKEN_RENEW_SECONDS - 60) * 1000;
    expect(await ensureArtifactSecret(api, server, tokens, dueAt)).toMatchObject({ wrote: true });
    const renewed = await clients.core.readNamespacedSecret({ namespace, name: artifactSecretName('ctr') });
    expect(renewed.data?.[ARTIFACT_TOKEN_KEY]).not.toBe(secret.data?.[ARTIFACT_TOKEN_KEY]);

    await expect(runtime.create(modelSpec('ctr'))).rejects.toBeInstanceOf(Conflict);
    const fresh = await updateModel('ctr', (spec) => ({ ...spec, replicas: { min: 2, max: 5 } }));
    expect(fresh.resourceVersion).not.toBe(created.resourceVersion);
    expect(fresh.spec.replicas.max).toBe(5);
    // Read-your-writes: this replica's cache shows the write as soon as it returns.
    expect((await runtime.get('ctr'))?.spec.replicas.max).toBe(5);
    await expect(runtime.update(modelSpec('ctr'), created.resourceVersion)).rejects.toBeInstanceOf(Conflict);
    await eventually(
      'the HPA to follow max',
      15_000,
      async () => (await readHpa(name))?.spec?.maxReplicas === 5,
    );
  });

  it('is refused by the CRD when the object name, traffic, replicas or a version source do not add up', async () => {
    const refused = async (object: ReturnType<typeof modelServerObject>) => {
      const err = await api.servers.create(object as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeInvalidError);
      return (err as KubeInvalidError).message;
    };
    const renamed = modelServerObject(modelSpec('other'));
    renamed.metadata.name = 'model-not-other';
    expect(await refused(renamed)).toMatch(/metadata.name must be model-<spec.name>/);
    expect(
      await refused(
        modelServerObject(modelSpec('same', { traffic: { stable: 1, canary: 1, canaryPercent: 5 } })),
      ),
    ).toMatch(/canary must differ from stable/);
    expect(
      await refused(modelServerObject(modelSpec('pct', { traffic: { stable: 1, canaryPercent: 5 } }))),
    ).toMatch(/canaryPercent needs a canary/);
    expect(await refused(modelServerObject(modelSpec('few', { replicas: { min: 3, max: 2 } })))).toMatch(
      /max must be >= min/,
    );
    const anonymous = modelServerObject(modelSpec('anon'));
    (anonymous.spec.versions[0] as { source: object }).source = { kind: 'upload' };
    expect(await refused(anonymous)).toMatch(/an upload names `by`/);
  });

  it('waits with the Deployment until a version has traffic, reporting Pending', async () => {
    await runtime.create(modelSpec('empty', { versions: [], traffic: undefined }));
    const name = modelObjectName('empty');
    await eventually('Service and PDB', 15_000, async () =>
      Boolean((await readService(name)) && (await readPdb(name))),
    );
    const record = await statusWhen('empty', 'a status', (r) => r.status.message !== undefined);
    expect(record.status).toMatchObject({
      phase: 'Pending',
      message: 'No version published yet',
      replicas: 0,
    });
    expect(await readDeployment(name)).toBeUndefined();
    expect(await readHpa(name)).toBeUndefined();
    await runtime.delete('empty');
  });

  it('reports the Ready pods kwok runs as endpoints (pod IPs from the EndpointSlices) and the model Ready', async () => {
    const pods = await podsServing('ctr', '1', 2);
    const endpoints = await endpointsWhen('ctr', 'two endpoints', (e) => e.length === 2);
    const expected = pods
      .map((p) => ({ id: p.metadata?.name, url: `http://${p.status?.podIP}:8080`, versions: [1] }))
      .sort((a, b) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1));
    expect(endpoints).toEqual(expected);
    for (const endpoint of endpoints) expect(endpoint.url).not.toMatch(/127\.0\.0\.1|localhost/);
    // The slices carry the Service's labels: that is how one cache covers every model.
    const slices = await slicesOf('ctr');
    expect(slices[0]?.metadata?.labels?.[MODEL_LABELS.model]).toBe('ctr');
    const record = await statusWhen('ctr', 'phase Ready', (r) => r.status.phase === 'Ready');
    expect(record.status).toMatchObject({ readyReplicas: 2, replicas: 2, servingVersions: [1] });
    // The namespace enforces the restricted Pod Security profile: these pods passed it.
    expect(pods[0]?.spec?.initContainers?.[0]?.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('sets a canary, promotes it and rolls back, keeping two ready endpoints throughout each rollout', async () => {
    const sizes: number[] = [];
    const off = runtime.endpoints.subscribe((model) => {
      if (model === 'ctr') sizes.push(runtime.endpoints.endpoints('ctr').length);
    });
    const steps: {
      traffic: ModelSpec['traffic'];
      previous?: ModelSpec['traffic'];
      label: string;
      versions: number[];
    }[] = [
      {
        traffic: { stable: 1, canary: 2, canaryPercent: 10 },
        previous: { stable: 1, canaryPercent: 0 },
        label: '1.2',
        versions: [1, 2],
      },
      {
        traffic: { stable: 2, canaryPercent: 0 },
        previous: { stable: 1, canary: 2, canaryPercent: 10 },
        label: '2',
        versions: [2],
      },
      {
        traffic: { stable: 1, canary: 2, canaryPercent: 10 },
        previous: { stable: 2, canaryPercent: 0 },
        label: '1.2',
        versions: [1, 2],
      },
    ];
    try {
      for (const step of steps) {
        const before = (await readDeployment(modelObjectName('ctr')))?.spec?.template.spec?.volumes;
        const oldConfig = before?.find((v) => v.name === 'serving-config')?.configMap?.name;
        await updateModel('ctr', (spec) => ({
          ...spec,
          versions: [version(1), version(2)],
          traffic: step.traffic,
          ...(step.previous ? { previousTraffic: step.previous } : {}),
        }));
        const deployment = await eventually(`the Deployment to serve ${step.label}`, 15_000, async () => {
          const d = await readDeployment(modelObjectName('ctr'));
          return d?.spec?.template.metadata?.labels?.[MODEL_LABELS.versions] === step.label ? d : undefined;
        });
        const configName = deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'serving-config')
          ?.configMap?.name;
        expect(configName).not.toBe(oldConfig);
        const config = await clients.core.readNamespacedConfigMap({ namespace, name: configName ?? '' });
        expect(Object.keys(config.data ?? {}).sort()).toEqual(
          ['settings.json', ...step.versions.map((v) => `model-settings-${v}.json`)].sort(),
        );
        expect(JSON.parse(config.data?.[`model-settings-${step.versions[0]}.json`] ?? '{}')).toMatchObject({
          name: 'ctr',
          implementation: 'mlserver_xgboost.XGBoostModel',
          parameters: { version: String(step.versions[0]) },
        });
        await podsServing('ctr', step.label, 2);
        await endpointsWhen(
          'ctr',
          `endpoints serving ${step.label}`,
          (e) => e.length === 2 && e.every((x) => x.versions?.join('.') === step.label),
        );
        // The controller-manager copies each pod's hostname (its versions) into the slices.
        const hostnames = (await slicesOf('ctr')).flatMap((sl) =>
          sl.endpoints.filter((e) => e.conditions?.ready === true).map((e) => e.hostname),
        );
        expect(new Set(hostnames)).toEqual(new Set([`v${step.label.replaceAll('.', '-')}`]));
        await statusWhen(
          'ctr',
          `status serving ${step.label}`,
          (r) => r.status.phase === 'Ready' && r.status.servingVersions.join('.') === step.label,
        );
        // The previous template's ConfigMap goes once no pod mounts it.
        await eventually('the old serving ConfigMap to be deleted', 20_000, async () =>
          (await configMapsOf('ctr')).every((c) => c.metadata?.name === configName),
        );
      }
      const secret = await clients.core.readNamespacedSecret({ namespace, name: artifactSecretName('ctr') });
      const claims = tokens.verify(Buffer.from(secret.data?.[ARTIFACT_TOKEN_KEY] ?? '', 'base64').toString());
      expect(claims?.versions).toEqual([1, 2]);
    } finally {
      off();
    }
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
  });

  it('stops offering a pod as soon as it is marked not ready, and offers it again when ready', async () => {
    const [victim] = await podsServing('ctr', '1.2', 2);
    const podName = victim?.metadata?.name ?? '';
    const setReady = (status: 'True' | 'False') =>
      clients.core.patchNamespacedPodStatus(
        {
          namespace,
          name: podName,
          body: {
            status: {
              conditions: (victim?.status?.conditions ?? []).map((c) =>
                c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status } : c,
              ),
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const startedAt = Date.now();
    await setReady('False');
    const remaining = await endpointsWhen('ctr', 'the pod to leave', (e) => e.length === 1);
    const elapsedMs = Date.now() - startedAt;
    console.log(`[models-kubernetes] not-ready pod left the EndpointSource after ${elapsedMs} ms`);
    expect(remaining.map((e) => e.id)).not.toContain(podName);
    expect(elapsedMs).toBeLessThan(5000);
    await statusWhen(
      'ctr',
      'phase Degraded',
      (r) => r.status.phase === 'Degraded' && r.status.readyReplicas === 1,
    );
    await setReady('True');
    await endpointsWhen('ctr', 'the pod to come back', (e) => e.some((x) => x.id === podName));
  });

  it('scales a disabled model to zero without an HPA, and back within min..max when enabled', async () => {
    const name = modelObjectName('ctr');
    await updateModel('ctr', (spec) => ({ ...spec, disabled: true }));
    await eventually('no HPA and zero replicas', 20_000, async () => {
      const [hpa, deployment] = await Promise.all([readHpa(name), readDeployment(name)]);
      return !hpa && deployment?.spec?.replicas === 0;
    });
    await endpointsWhen('ctr', 'no endpoints', (e) => e.length === 0);
    await statusWhen('ctr', 'phase Disabled', (r) => r.status.phase === 'Disabled');
    await updateModel('ctr', (spec) => ({ ...spec, disabled: false }));
    await eventually('the HPA and two replicas again', 20_000, async () => {
      const [hpa, deployment] = await Promise.all([readHpa(name), readDeployment(name)]);
      return Boolean(hpa) && deployment?.spec?.replicas === 2;
    });
    await endpointsWhen('ctr', 'two endpoints again', (e) => e.length === 2);
  });

  it('serves a GPU SavedModel with TF Serving: exec readiness probe, model config, request-rate HPA, GPU node', async () => {
    await runtime.create(
      modelSpec('vision', {
        runtime: { kind: 'tfserving', version: '2.19.0', gpu: true },
        format: 'tensorflow',
        replicas: { min: 1, max: 3 },
        resources: { cpu: '2', memory: '4Gi', gpu: 1, gpuType: 't4' },
        versions: [version(1, 'tensorflow'), version(2, 'tensorflow')],
        traffic: { stable: 1, canary: 2, canaryPercent: 25 },
        autoscaleOnRequestRate: { targetPerReplica: 50 },
      }),
    );
    const name = modelObjectName('vision');
    const [pod] = await podsServing('vision', '1.2', 1);
    expect(pod?.spec?.nodeName).toBe('kwok-gpu-t4-0');
    const server = pod?.spec?.containers[0];
    expect(server?.image).toBe('tensorflow/serving:2.19.0-gpu');
    expect(server?.resources?.limits).toMatchObject({ 'nvidia.com/gpu': '1', cpu: '2' });
    expect(server?.args).toContain('--rest_api_port=8501');
    expect(server?.readinessProbe?.exec?.command?.slice(-4)).toEqual(['8501', 'vision', '1', '2']);
    const configName = pod?.spec?.volumes?.find((v) => v.name === 'serving-config')?.configMap?.name ?? '';
    const config = await clients.core.readNamespacedConfigMap({ namespace, name: configName });
    expect(config.immutable).toBe(true);
    expect(config.data?.['models.config']).toContain('versions: 1\n        versions: 2');
    expect(config.data?.['monitoring.config']).toContain('path: "/monitoring/prometheus/metrics"');
    const hpa = await eventually('the HPA', 15_000, () => readHpa(name));
    expect(hpa.spec?.metrics).toEqual([
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'v1', kind: 'Service', name },
          metric: { name: 'turing_model_requests_per_second' },
          target: { type: 'AverageValue', averageValue: '50' },
        },
      },
    ]);
    const endpoints = await endpointsWhen('vision', 'one endpoint', (e) => e.length === 1);
    expect(endpoints[0]).toEqual({
      id: pod?.metadata?.name,
      url: `http://${pod?.status?.podIP}:8501`,
      versions: [1, 2],
    });
  });

  it('passes server-side validation for the other manifest variants (dry run)', async () => {
    const stored = runtime.caches.modelServers.get(modelObjectName('vision'));
    if (!stored?.metadata?.uid) throw new Error('vision is gone');
    // MLServer for sklearn on 1.5 CPUs, scaled on a fractional request rate.
    const spec = modelSpec('vision', {
      format: 'sklearn',
      resources: { cpu: '1500m', memory: '1Gi', gpu: 0 },
      versions: [{ ...version(1, 'sklearn'), modelFile: 'model.joblib' }],
      autoscaleOnRequestRate: { targetPerReplica: 2.5 },
    });
    const object = modelServerObject(spec);
    const server = { ...object, metadata: { ...object.metadata, uid: stored.metadata.uid } };
    const deployment = deploymentManifest(server, servingConfig(spec), podOptions);
    const applied = await serverSideApply(clients, deployment, { dryRun: true, force: true });
    expect(applied.spec?.template.spec?.containers[0]?.env).toContainEqual({
      name: 'OMP_NUM_THREADS',
      value: '1',
    });
    const hpa = await serverSideApply(clients, horizontalPodAutoscalerManifest(server), {
      dryRun: true,
      force: true,
    });
    expect(hpa.spec?.metrics?.[0]?.object?.target).toEqual({ type: 'AverageValue', averageValue: '2500m' });
  });

  it('returns a log section per pod, naming the pod, and says why when the kubelet cannot be reached', async () => {
    const text = await runtime.logs('vision', 20);
    const [pod] = await podsOf('vision');
    // kwok's nodes run no kubelet API here, so the apiserver cannot fetch the log: the section says so.
    expect(text).toMatch(new RegExp(`^\\[${pod?.metadata?.name}\\] \\(no server log: .+\\)$`));
  });

  it('cascades the deletion of a ModelServer to everything serving it', async () => {
    const name = modelObjectName('ctr');
    await runtime.delete('ctr');
    expect(await runtime.get('ctr')).toBeUndefined();
    // The garbage collector notices a new CRD at its next discovery (up to 30 s when run alone).
    await eventually(
      'the garbage collector to remove Deployment, Service, PDB, HPA, ConfigMaps, Secret, pods and slices',
      60_000,
      async () => {
        const secret = await clients.core
          .readNamespacedSecret({ namespace, name: artifactSecretName('ctr') })
          .then(
            () => true,
            (err: unknown) => !isKubeError(err, 'not-found'),
          );
        const left = await Promise.all([
          readDeployment(name),
          readService(name),
          readPdb(name),
          readHpa(name),
        ]);
        return (
          !secret &&
          left.every((o) => o === undefined) &&
          (await configMapsOf('ctr')).length === 0 &&
          (await podsOf('ctr')).length === 0 &&
          (await slicesOf('ctr')).length === 0
        );
      },
      250,
    );
    await endpointsWhen('ctr', 'no endpoints', (e) => e.length === 0);
    await runtime.delete('ctr'); // absent is fine
  });
});
