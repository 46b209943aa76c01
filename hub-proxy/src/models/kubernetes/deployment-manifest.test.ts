import { describe, expect, it } from 'vitest';
import { gpuPlacementOf } from '../../environments/index.js';
import { deploymentManifest, type ServingPodOptions } from './deployment-manifest.js';
import { servingConfig } from './serving-config.js';
import { modelServerFixture, modelSpecFixture, versionFixture } from './testing/model-server-fixture.js';

const GPU_TAINT = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' } as const;
const gpuTypes = {
  t4: {
    displayName: 'T4',
    nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4', 'eks.amazonaws.com/nodegroup': 'g4dn' },
    tolerations: [GPU_TAINT],
  },
};

const options: ServingPodOptions = {
  images: {
    tfserving: (version, gpu) => `tensorflow/serving:${version}${gpu ? '-gpu' : ''}`,
    mlserver: (version) => `seldonio/mlserver:${version}`,
  },
  artifactApiUrl: 'http://hub-proxy.jhub:8000/services/turing/',
  initImage: 'python:3.11-slim',
  gpuPlacementFor: (type) => gpuPlacementOf({ gpuTypes }, type),
};

function render(change: Parameters<typeof modelSpecFixture>[0] = {}) {
  const spec = modelSpecFixture(change);
  const config = servingConfig(spec);
  const deployment = deploymentManifest(modelServerFixture(spec), config, options);
  const pod = deployment.spec?.template.spec;
  return { deployment, pod, config, server: pod?.containers[0], fetch: pod?.initContainers?.[0] };
}

const envOf = (container: { env?: { name: string; value?: string }[] } | undefined) =>
  Object.fromEntries(
    (container?.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
  );

describe('deploymentManifest', () => {
  it('keeps the previous pods until new ones are Ready, and leaves replicas to the HPA', () => {
    const { deployment } = render();
    expect(deployment.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(deployment.spec?.selector).toEqual({ matchLabels: { 'turing.dev/model': 'ctr' } });
    expect(deployment.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'turing.dev/v1alpha1',
        kind: 'ModelServer',
        name: 'model-ctr',
        uid: 'uid-ctr',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it('labels pods with the model and the versions they serve, stable and canary', () => {
    const { deployment } = render({ traffic: { stable: 2, canary: 1, canaryPercent: 10 } });
    expect(deployment.spec?.template.metadata?.labels).toEqual({
      'app.kubernetes.io/part-of': 'turing',
      'app.kubernetes.io/component': 'model-server',
      'turing.dev/model': 'ctr',
      'turing.dev/owner': 'alice',
      'turing.dev/model-versions': '1.2',
    });
  });

  it('runs every container under the restricted Pod Security profile, without an API token', () => {
    const { pod } = render();
    expect(pod).toMatchObject({
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    });
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('fetches the wanted versions with the token from the Secret, never inline', () => {
    const { fetch } = render({ traffic: { stable: 1, canary: 2, canaryPercent: 10 } });
    expect(fetch?.image).toBe('python:3.11-slim');
    expect(fetch?.command).toEqual(['python', '/opt/turing/runner/fetch_model.py']);
    expect(envOf(fetch)).toMatchObject({
      TURING_ARTIFACT_API: 'http://hub-proxy.jhub:8000/services/turing/',
      TURING_MODEL: 'ctr',
      TURING_MODEL_VERSIONS: '1,2',
      TURING_MODELS_DIR: '/models/ctr',
      TURING_CONFIG_DIR: '/etc/turing/serving',
      TURING_CONFIG_DEST: '/models',
    });
    expect(fetch?.env).toContainEqual({
      name: 'TURING_ARTIFACT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'model-ctr-artifacts', key: 'token' } },
    });
  });

  it('starts MLServer on the fetched repository with one OpenMP thread on a small CPU request', () => {
    const { server, pod, config } = render();
    expect(server?.image).toBe('seldonio/mlserver:1.7.1');
    expect(server?.command).toEqual(['mlserver', 'start', '/models']);
    expect(envOf(server)).toMatchObject({ OMP_NUM_THREADS: '1' });
    expect(server?.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      ['http', 8080],
      ['grpc', 8081],
      ['metrics', 8082],
    ]);
    expect(server?.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '500m', memory: '1Gi' },
    });
    expect(pod?.volumes).toContainEqual({
      name: 'serving-config',
      configMap: { name: `model-ctr-${config.hash}`, items: config.items },
    });
    // A CPU model neither selects GPU nodes nor tolerates their taints.
    expect(pod?.nodeSelector).toBeUndefined();
    expect(pod?.tolerations).toBeUndefined();
    expect(render({ resources: { cpu: '3', memory: '1Gi', gpu: 0 } }).server?.env).toContainEqual({
      name: 'OMP_NUM_THREADS',
      value: '3',
    });
  });

  it('runs TF Serving (GPU image, GPU limit, GPU node) with its config files and the exec readiness probe', () => {
    const { server, pod, fetch } = render({
      name: 'vision',
      runtime: { kind: 'tfserving', version: '2.19.0', gpu: true },
      format: 'tensorflow',
      resources: { cpu: '2', memory: '8Gi', gpu: 1, gpuType: 't4' },
      versions: [versionFixture(1, 'tensorflow')],
    });
    expect(server?.image).toBe('tensorflow/serving:2.19.0-gpu');
    expect(server?.command).toEqual(['tensorflow_model_server']);
    expect(server?.args).toContain('--model_config_file=/etc/turing/serving/models.config');
    expect(server?.resources?.limits).toEqual({ cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' });
    expect(server?.readinessProbe?.exec?.command?.slice(3)).toEqual(['turing-ready', '8501', 'vision', '1']);
    expect(server?.volumeMounts).toContainEqual({
      name: 'serving-config',
      mountPath: '/etc/turing/serving',
      readOnly: true,
    });
    // Every node label of the GPU type and its tolerations: what servers and job runs of the type get.
    expect(pod?.nodeSelector).toEqual({
      'nvidia.com/gpu.product': 'Tesla-T4',
      'eks.amazonaws.com/nodegroup': 'g4dn',
    });
    expect(pod?.tolerations).toEqual([GPU_TAINT]);
    expect({ nodeSelector: pod?.nodeSelector, tolerations: pod?.tolerations }).toEqual(
      gpuPlacementOf({ gpuTypes }, 't4'),
    );
    // TF Serving reads its config where it is mounted: nothing to copy.
    expect(envOf(fetch)).not.toHaveProperty('TURING_CONFIG_DIR');
  });

  it('lets a GPU model without a GPU type run on any GPU node, tainted ones included', () => {
    const { pod } = render({
      runtime: { kind: 'tfserving', version: '2.19.0', gpu: true },
      format: 'tensorflow',
      resources: { cpu: '2', memory: '8Gi', gpu: 1 },
      versions: [versionFixture(1, 'tensorflow')],
    });
    expect(pod?.nodeSelector).toBeUndefined();
    expect(pod?.tolerations).toEqual([GPU_TAINT]);
  });

  it('sizes the models volume for the wanted versions plus headroom', () => {
    const { pod } = render({ traffic: { stable: 1, canary: 2, canaryPercent: 10 } });
    const models = pod?.volumes?.find((v) => v.name === 'models');
    expect(models?.emptyDir?.sizeLimit).toBe(String(Math.ceil(4_000_000 * 1.1) + 64 * 1024 * 1024));
  });

  it('waits a few seconds before stopping, so the gateway drops the endpoint first', () => {
    expect(render().server?.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });

  it('refuses a model without a version to serve', () => {
    const spec = modelSpecFixture({ traffic: undefined });
    expect(() => deploymentManifest(modelServerFixture(spec), servingConfig(spec), options)).toThrow(
      /no version to serve/,
    );
  });
});
