import { createHash } from 'node:crypto';
import type { ModelSpec, ModelVersion } from '../model.js';
import { parseQuantity } from '../../k8s/quantity.js';
import { wantedVersions } from './model-server-resource.js';

/**
 * The files that configure a serving container, as the content of one
 * ConfigMap: TF Serving's model config (text proto) and monitoring config,
 * or MLServer's `settings.json` and a `model-settings.json` per version.
 * Pure; the ConfigMap is named by {@link ServingConfig.hash}.
 */

/** Where the init container puts the model files: `<MODELS_DIR>/<name>/<version>/...`. */
export const MODELS_DIR = '/models';
/** Where the serving ConfigMap is mounted. */
export const SERVING_CONFIG_DIR = '/etc/turing/serving';
/** TF Serving's REST port (gRPC is 8500). */
export const TF_SERVING_REST_PORT = 8501;
export const TF_SERVING_GRPC_PORT = 8500;
/** MLServer's HTTP, gRPC and metrics ports (its defaults, written out). */
export const MLSERVER_HTTP_PORT = 8080;
export const MLSERVER_GRPC_PORT = 8081;
export const MLSERVER_METRICS_PORT = 8082;
/** TF Serving's Prometheus path (on the REST port). */
export const TF_SERVING_METRICS_PATH = '/monitoring/prometheus/metrics';
/** How often TF Serving re-reads its model config file. The file never changes under a pod (see object-names.ts), so this is a safety net. */
export const TF_SERVING_CONFIG_POLL_SECONDS = 60;
/**
 * MLServer creates these at start-up under its working directory by default;
 * the root filesystem is read-only, /tmp is an emptyDir.
 */
export const MLSERVER_METRICS_DIR = '/tmp/mlserver-metrics';
export const MLSERVER_ENVIRONMENTS_DIR = '/tmp/mlserver-envs';

/** ConfigMap keys. */
export const CONFIG_KEYS = {
  tfModels: 'models.config',
  tfMonitoring: 'monitoring.config',
  mlserverSettings: 'settings.json',
  mlserverModelSettings: (version: number) => `model-settings-${version}.json`,
} as const;

/** MLServer implementation per format. */
const MLSERVER_IMPLEMENTATIONS: Record<string, string> = {
  xgboost: 'mlserver_xgboost.XGBoostModel',
  sklearn: 'mlserver_sklearn.SKLearnModel',
};

/** The content of a serving ConfigMap and how its keys are laid out when mounted. */
export interface ServingConfig {
  data: Record<string, string>;
  /**
   * Volume items (key -> relative path). MLServer's files are laid out as
   * the model repository wants them; the init container copies that tree
   * into {@link MODELS_DIR}. Empty: every key as a file of its own name.
   */
  items: { key: string; path: string }[];
  /** First 10 hex digits of sha256 over the data: names the ConfigMap. */
  hash: string;
}

/** Directory of one version's files. */
export function versionDir(model: string, version: number): string {
  return `${MODELS_DIR}/${model}/${version}`;
}

/**
 * Inference threads for a CPU request: its whole CPUs, at least one.
 * Without a bound, xgboost (OpenMP) and TensorFlow spawn a thread per node
 * core and a small pod thrashes under its CFS quota (xgboost p50 1 ms ->
 * 12-34 ms on 2 cores).
 */
export function inferenceThreads(cpu: string): number {
  const cpus = parseQuantity(cpu) ?? 1;
  return Math.max(1, Math.floor(cpus));
}

function protoString(text: string): string {
  return JSON.stringify(text);
}

/**
 * TF Serving's `--model_config_file`: the wanted versions pinned with a
 * `specific` policy, labelled `stable` and (when set) `canary`. TF Serving
 * assigns labels only to loaded versions; at start-up it loads every listed
 * version before applying them.
 */
export function tfServingModelConfig(spec: Pick<ModelSpec, 'name' | 'traffic'>): string {
  const versions = [...wantedVersions(spec)].sort((a, b) => a - b);
  const labels: [string, number][] = [];
  if (spec.traffic) labels.push(['stable', spec.traffic.stable]);
  if (spec.traffic?.canary !== undefined) labels.push(['canary', spec.traffic.canary]);
  return [
    'model_config_list {',
    '  config {',
    `    name: ${protoString(spec.name)}`,
    `    base_path: ${protoString(`${MODELS_DIR}/${spec.name}`)}`,
    '    model_platform: "tensorflow"',
    '    model_version_policy {',
    '      specific {',
    ...versions.map((v) => `        versions: ${v}`),
    '      }',
    '    }',
    ...labels.flatMap(([key, value]) => [
      '    version_labels {',
      `      key: ${protoString(key)}`,
      `      value: ${value}`,
      '    }',
    ]),
    '  }',
    '}',
    '',
  ].join('\n');
}

/** TF Serving's `--monitoring_config_file`: Prometheus metrics on the REST port. */
export function tfServingMonitoringConfig(): string {
  return [
    'prometheus_config {',
    '  enable: true',
    `  path: ${protoString(TF_SERVING_METRICS_PATH)}`,
    '}',
    '',
  ].join('\n');
}

/**
 * MLServer's server-wide `settings.json`. `parallel_workers: 0` runs
 * inference in the server process: for the small tabular models it serves,
 * the worker pool's inter-process hop costs more than it gains, and
 * replicas (not workers) are the unit of scale here; the local runtime
 * does the same.
 */
export function mlserverSettings(): Record<string, unknown> {
  return {
    debug: false,
    host: '0.0.0.0',
    http_port: MLSERVER_HTTP_PORT,
    grpc_port: MLSERVER_GRPC_PORT,
    metrics_port: MLSERVER_METRICS_PORT,
    metrics_dir: MLSERVER_METRICS_DIR,
    environments_dir: MLSERVER_ENVIRONMENTS_DIR,
    parallel_workers: 0,
    load_models_at_startup: true,
  };
}

/**
 * One version's `model-settings.json`. `parameters.version` is the integer
 * as a string: MLServer compares versions as strings, so they are never
 * anything but integers. The URI is absolute (the main file, or the
 * version's folder, where MLServer looks for its well-known file names).
 */
export function mlserverModelSettings(model: string, version: ModelVersion): Record<string, unknown> {
  const implementation = MLSERVER_IMPLEMENTATIONS[version.format];
  if (!implementation) throw new Error(`MLServer does not serve ${version.format} models`);
  const dir = versionDir(model, version.version);
  return {
    name: model,
    implementation,
    parameters: {
      uri: version.modelFile ? `${dir}/${version.modelFile}` : dir,
      version: String(version.version),
    },
  };
}

function hashOf(data: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

/** The serving ConfigMap content for `spec`'s wanted versions. */
export function servingConfig(spec: ModelSpec): ServingConfig {
  const data: Record<string, string> = {};
  const items: ServingConfig['items'] = [];
  if (spec.runtime.kind === 'tfserving') {
    data[CONFIG_KEYS.tfModels] = tfServingModelConfig(spec);
    data[CONFIG_KEYS.tfMonitoring] = tfServingMonitoringConfig();
  } else {
    data[CONFIG_KEYS.mlserverSettings] = `${JSON.stringify(mlserverSettings(), null, 2)}\n`;
    items.push({ key: CONFIG_KEYS.mlserverSettings, path: 'settings.json' });
    for (const number of wantedVersions(spec)) {
      const version = spec.versions.find((v) => v.version === number);
      if (!version) throw new Error(`model ${spec.name} has no version ${number}`);
      const key = CONFIG_KEYS.mlserverModelSettings(number);
      data[key] = `${JSON.stringify(mlserverModelSettings(spec.name, version), null, 2)}\n`;
      items.push({ key, path: `${spec.name}/${number}/model-settings.json` });
    }
  }
  return { data, items, hash: hashOf(data) };
}

/** TF Serving's arguments. */
export function tfServingArgs(spec: Pick<ModelSpec, 'resources'>): string[] {
  const threads = inferenceThreads(spec.resources.cpu);
  return [
    `--port=${TF_SERVING_GRPC_PORT}`,
    `--rest_api_port=${TF_SERVING_REST_PORT}`,
    `--model_config_file=${SERVING_CONFIG_DIR}/${CONFIG_KEYS.tfModels}`,
    `--model_config_file_poll_wait_seconds=${TF_SERVING_CONFIG_POLL_SECONDS}`,
    `--monitoring_config_file=${SERVING_CONFIG_DIR}/${CONFIG_KEYS.tfMonitoring}`,
    `--tensorflow_intra_op_parallelism=${threads}`,
    `--tensorflow_inter_op_parallelism=${threads}`,
  ];
}
