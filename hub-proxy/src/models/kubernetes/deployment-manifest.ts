import type {
  V1Container,
  V1Deployment,
  V1PodSpec,
  V1SecurityContext,
  V1Volume,
} from '@kubernetes/client-node';
import { gpuPodFields, type GpuPlacementSource } from '../../environments/index.js';
import type { ModelSpec } from '../model.js';
import type { ModelServer } from '../model-server-schema.js';
import {
  modelAnnotations,
  modelLabels,
  modelServerOwnerReference,
  modelSpecOf,
  wantedVersions,
} from './model-server-resource.js';
import {
  MODEL_LABELS,
  artifactSecretName,
  modelObjectName,
  servingConfigMapName,
  versionsLabelValue,
  versionsHostname,
} from './object-names.js';
import { mlserverProbes, tfServingProbes } from './probes.js';
import {
  MLSERVER_GRPC_PORT,
  MLSERVER_HTTP_PORT,
  MLSERVER_METRICS_PORT,
  MODELS_DIR,
  SERVING_CONFIG_DIR,
  TF_SERVING_GRPC_PORT,
  TF_SERVING_METRICS_PATH,
  TF_SERVING_REST_PORT,
  inferenceThreads,
  tfServingArgs,
  type ServingConfig,
} from './serving-config.js';

/**
 * The Deployment that serves a model: an init container fetching the
 * wanted versions through hub-proxy with the model's artifact token, then
 * TF Serving or MLServer. Pure.
 *
 * Rollouts keep the previous pods serving: `maxUnavailable: 0` and
 * `maxSurge: 1`, so an old pod goes only once a new one is Ready (which
 * the probes define as "every wanted version loaded"). `replicas` is left
 * out on purpose: the HorizontalPodAutoscaler owns it, and the controller
 * sets it through the scale subresource only to scale a disabled model to
 * zero or to bring it back within min..max.
 */

/** Container images of the serving runtimes, from the catalog. */
export interface ServingImages {
  tfserving(version: string, gpu: boolean): string;
  mlserver(version: string): string;
}

/**
 * What the serving pods need besides the ModelServer. GPU pods are placed
 * through {@link GpuPlacementSource}: hub-proxy passes the catalog GPU
 * type's node selector and tolerations, as for notebook servers and job runs.
 */
export interface ServingPodOptions extends GpuPlacementSource {
  images: ServingImages;
  /** Base URL of hub-proxy as pods reach it, ending with the service prefix and `/`. */
  artifactApiUrl: string;
  /** Image of the init container (a Python 3 image; the script needs only the standard library). */
  initImage: string;
  /** ConfigMap holding the files of `runner/`, including `fetch_model.py`. Default `turing-runner`. */
  runnerConfigMap?: string;
}

/** The ConfigMap of `runner/` files unless configured (the jobs runner's, which also holds `fetch_model.py`). */
export const DEFAULT_RUNNER_CONFIG_MAP = 'turing-runner';
/** Names of the containers. */
export const SERVER_CONTAINER = 'server';
export const FETCH_CONTAINER = 'fetch-model';
/** Key of the token in the artifact Secret. */
export const ARTIFACT_TOKEN_KEY = 'token';
/** Where `runner/` is mounted in the init container. */
export const RUNNER_MOUNT_PATH = '/opt/turing/runner';
/** The only writable place besides the models volume (the root filesystem is read-only). */
export const SCRATCH_DIR = '/tmp';
const SCRATCH_SIZE = '1Gi';
/** The models volume holds the wanted versions plus this much headroom. */
const MODELS_HEADROOM_BYTES = 64 * 1024 * 1024;
/** Seconds a stopping pod keeps serving, so the gateway sees its endpoint leave first. */
export const PRE_STOP_SLEEP_SECONDS = 5;

const UID = 1000;

/** The restricted Pod Security profile, per container. */
const CONTAINER_SECURITY: V1SecurityContext = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The REST port of the runtime (the Service's `http` port). */
export function servingPort(spec: Pick<ModelSpec, 'runtime'>): number {
  return spec.runtime.kind === 'tfserving' ? TF_SERVING_REST_PORT : MLSERVER_HTTP_PORT;
}

function modelsVolumeSize(spec: ModelSpec): string {
  const wanted = new Set(wantedVersions(spec));
  const bytes = spec.versions.filter((v) => wanted.has(v.version)).reduce((sum, v) => sum + v.sizeBytes, 0);
  return String(Math.ceil(bytes * 1.1) + MODELS_HEADROOM_BYTES);
}

function resourcesOf(spec: ModelSpec): V1Container['resources'] {
  const { cpu, memory, gpu } = spec.resources;
  // Requests = limits: Guaranteed QoS, so latency does not depend on the neighbours.
  const quantities: Record<string, string> = { cpu, memory };
  if (gpu > 0) quantities['nvidia.com/gpu'] = String(gpu);
  return { requests: { ...quantities }, limits: { ...quantities } };
}

function fetchContainer(spec: ModelSpec, options: ServingPodOptions): V1Container {
  const mlserver = spec.runtime.kind === 'mlserver';
  return {
    name: FETCH_CONTAINER,
    image: options.initImage,
    command: ['python', `${RUNNER_MOUNT_PATH}/fetch_model.py`],
    env: [
      { name: 'TURING_ARTIFACT_API', value: options.artifactApiUrl },
      { name: 'TURING_MODEL', value: spec.name },
      { name: 'TURING_MODEL_VERSIONS', value: wantedVersions(spec).join(',') },
      { name: 'TURING_MODELS_DIR', value: `${MODELS_DIR}/${spec.name}` },
      // MLServer wants its settings inside the model repository: the script copies them there.
      ...(mlserver
        ? [
            { name: 'TURING_CONFIG_DIR', value: SERVING_CONFIG_DIR },
            { name: 'TURING_CONFIG_DEST', value: MODELS_DIR },
          ]
        : []),
      {
        name: 'TURING_ARTIFACT_TOKEN',
        valueFrom: { secretKeyRef: { name: artifactSecretName(spec.name), key: ARTIFACT_TOKEN_KEY } },
      },
      { name: 'HOME', value: SCRATCH_DIR },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      { name: 'PYTHONUNBUFFERED', value: '1' },
    ],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    volumeMounts: [
      { name: 'runner', mountPath: RUNNER_MOUNT_PATH, readOnly: true },
      { name: 'models', mountPath: MODELS_DIR },
      { name: 'scratch', mountPath: SCRATCH_DIR },
      ...(mlserver ? [{ name: 'serving-config', mountPath: SERVING_CONFIG_DIR, readOnly: true }] : []),
    ],
    securityContext: CONTAINER_SECURITY,
  };
}

function serverContainer(spec: ModelSpec, options: ServingPodOptions): V1Container {
  const common = {
    name: SERVER_CONTAINER,
    resources: resourcesOf(spec),
    securityContext: CONTAINER_SECURITY,
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
  };
  if (spec.runtime.kind === 'tfserving') {
    return {
      ...common,
      image: options.images.tfserving(spec.runtime.version, spec.runtime.gpu),
      command: ['tensorflow_model_server'],
      args: tfServingArgs(spec),
      ports: [
        { name: 'http', containerPort: TF_SERVING_REST_PORT, protocol: 'TCP' },
        { name: 'grpc', containerPort: TF_SERVING_GRPC_PORT, protocol: 'TCP' },
      ],
      ...tfServingProbes(spec),
      volumeMounts: [
        { name: 'models', mountPath: MODELS_DIR, readOnly: true },
        { name: 'serving-config', mountPath: SERVING_CONFIG_DIR, readOnly: true },
        { name: 'scratch', mountPath: SCRATCH_DIR },
      ],
    };
  }
  return {
    ...common,
    image: options.images.mlserver(spec.runtime.version),
    command: ['mlserver', 'start', MODELS_DIR],
    env: [
      { name: 'OMP_NUM_THREADS', value: String(inferenceThreads(spec.resources.cpu)) },
      { name: 'HOME', value: SCRATCH_DIR },
    ],
    ports: [
      { name: 'http', containerPort: MLSERVER_HTTP_PORT, protocol: 'TCP' },
      { name: 'grpc', containerPort: MLSERVER_GRPC_PORT, protocol: 'TCP' },
      { name: 'metrics', containerPort: MLSERVER_METRICS_PORT, protocol: 'TCP' },
    ],
    ...mlserverProbes(spec),
    volumeMounts: [
      { name: 'models', mountPath: MODELS_DIR, readOnly: true },
      { name: 'scratch', mountPath: SCRATCH_DIR },
    ],
  };
}

function volumes(spec: ModelSpec, config: ServingConfig, options: ServingPodOptions): V1Volume[] {
  return [
    { name: 'models', emptyDir: { sizeLimit: modelsVolumeSize(spec) } },
    { name: 'scratch', emptyDir: { sizeLimit: SCRATCH_SIZE } },
    {
      name: 'serving-config',
      configMap: {
        name: servingConfigMapName(spec.name, config.hash),
        ...(config.items.length > 0 ? { items: config.items } : {}),
      },
    },
    { name: 'runner', configMap: { name: options.runnerConfigMap ?? DEFAULT_RUNNER_CONFIG_MAP } },
  ];
}

/** Prometheus scrape hints: TF Serving's metrics are on its REST port, MLServer's on their own. */
function scrapeAnnotations(spec: ModelSpec): Record<string, string> {
  return spec.runtime.kind === 'tfserving'
    ? {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(TF_SERVING_REST_PORT),
        'prometheus.io/path': TF_SERVING_METRICS_PATH,
      }
    : {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(MLSERVER_METRICS_PORT),
        'prometheus.io/path': '/metrics',
      };
}

/** The serving pod: restricted Pod Security profile, no API token, spread over nodes when possible. */
export function servingPodSpec(
  spec: ModelSpec,
  config: ServingConfig,
  options: ServingPodOptions,
): V1PodSpec {
  const { gpu, gpuType } = spec.resources;
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 30,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: UID,
      runAsGroup: UID,
      fsGroup: UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...gpuPodFields(options, gpu, gpuType),
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { [MODEL_LABELS.model]: spec.name } },
        matchLabelKeys: ['pod-template-hash'],
      },
    ],
    initContainers: [fetchContainer(spec, options)],
    containers: [serverContainer(spec, options)],
    volumes: volumes(spec, config, options),
  };
}

/** The model's Deployment, owned by its ModelServer. `config` is the ConfigMap content its pods mount. */
export function deploymentManifest(
  server: ModelServer,
  config: ServingConfig,
  options: ServingPodOptions,
): V1Deployment & { apiVersion: 'apps/v1'; kind: 'Deployment'; metadata: { name: string } } {
  const spec = modelSpecOf(server.spec);
  const versions = wantedVersions(spec);
  if (versions.length === 0) throw new Error(`model ${spec.name} has no version to serve`);
  const labels = modelLabels(spec);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: modelObjectName(spec.name),
      labels,
      annotations: modelAnnotations(spec),
      ownerReferences: [modelServerOwnerReference(server)],
    },
    spec: {
      selector: { matchLabels: { [MODEL_LABELS.model]: spec.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      revisionHistoryLimit: 3,
      // Longer than the startup probe's 10 minutes, so a slow load is not reported as failed.
      progressDeadlineSeconds: 900,
      template: {
        metadata: {
          labels: { ...labels, [MODEL_LABELS.versions]: versionsLabelValue(versions) },
          annotations: { ...modelAnnotations(spec), ...scrapeAnnotations(spec) },
        },
        spec: {
          ...servingPodSpec(spec, config, options),
          // Copied into the EndpointSlices (Service of the same name as the subdomain): see versionsHostname.
          hostname: versionsHostname(versions),
          subdomain: modelObjectName(spec.name),
        },
      },
    },
  };
}
