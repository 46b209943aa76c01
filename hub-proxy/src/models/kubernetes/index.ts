export {
  ARTIFACT_FETCH_WINDOW_SECONDS,
  ARTIFACT_TOKEN_RENEW_SECONDS,
  ARTIFACT_TOKEN_TTL_SECONDS,
  artifactTokenSubject,
  ensureArtifactSecret,
  type ArtifactSecretState,
} from './artifact-secret.js';
export {
  ARTIFACT_TOKEN_KEY,
  DEFAULT_RUNNER_CONFIG_MAP,
  FETCH_CONTAINER,
  SERVER_CONTAINER,
  deploymentManifest,
  servingPodSpec,
  servingPort,
  type ServingImages,
  type ServingPodOptions,
} from './deployment-manifest.js';
export { EndpointSliceSource } from './endpoint-slice-source.js';
export {
  KubernetesModelRuntime,
  MODELS_CACHE_LABELS,
  type KubernetesModelRuntimeOptions,
} from './kubernetes-model-runtime.js';
export {
  ModelServerController,
  type ModelServerControllerOptions,
  type ModelsCaches,
} from './model-server-controller.js';
export {
  asModelServer,
  modelRecordOf,
  modelServerObject,
  modelSpecOf,
  wantedVersions,
} from './model-server-resource.js';
export { desiredModelStatus, isReadyPod, modelStatusPatch, servingVersionsOf } from './model-status.js';
export { MODEL_SERVER_RESOURCE, modelsKubeApi, type ModelsKubeApi } from './models-kube-api.js';
export {
  MODEL_LABELS,
  artifactSecretName,
  modelObjectName,
  parseVersionsLabel,
  servingConfigMapName,
  versionsLabelValue,
} from './object-names.js';
export { TF_SERVING_READY_SCRIPT, mlserverProbes, tfServingProbes, tfServingReadyCommand } from './probes.js';
export { servingConfig, type ServingConfig } from './serving-config.js';
export { REQUEST_RATE_METRIC, horizontalPodAutoscalerManifest } from './serving-manifests.js';
