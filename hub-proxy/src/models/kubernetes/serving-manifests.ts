import type {
  V1ConfigMap,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { ModelServer } from '../model-server-schema.js';
import {
  modelAnnotations,
  modelLabels,
  modelServerOwnerReference,
  modelSpecOf,
} from './model-server-resource.js';
import { ARTIFACT_TOKEN_KEY, servingPort } from './deployment-manifest.js';
import { MODEL_LABELS, artifactSecretName, modelObjectName, servingConfigMapName } from './object-names.js';
import type { ServingConfig } from './serving-config.js';

/**
 * The objects around a model's Deployment, each owned by its ModelServer:
 * Service, PodDisruptionBudget, HorizontalPodAutoscaler, the serving
 * ConfigMap and the artifact-token Secret. Pure.
 */

type Named<T, V extends string, K extends string> = T & {
  apiVersion: V;
  kind: K;
  metadata: { name: string };
};

/** CPU utilisation (of the request) the HPA keeps by default. */
export const CPU_TARGET_UTILIZATION = 70;
/**
 * The custom metric of request-rate autoscaling: requests per second to the
 * model through the gateway. The gateway exports a per-model counter, so
 * the HPA reads it as an `Object` metric of the model's Service with an
 * `AverageValue` target (the HPA divides the model's rate by the replica
 * count), which needs no per-pod series. A Prometheus Adapter rule serving
 * it (the gateway counter's name and `model` label as the gateway exports them):
 *
 *   # Prometheus recording rule: one series per model Service
 *   - record: turing_model_requests_per_second
 *     expr: label_replace(sum by (namespace, model) (rate(turing_model_requests_total[1m])),
 *                         "service", "model-$1", "model", "(.+)")
 *   # prometheus-adapter rules.custom
 *   - seriesQuery: 'turing_model_requests_per_second{namespace!="",service!=""}'
 *     resources: { overrides: { namespace: {resource: namespace}, service: {resource: service} } }
 *     name: { as: turing_model_requests_per_second }
 *     metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
 *
 * (`namespace` is hub-proxy's, which is the models' namespace too.)
 */
export const REQUEST_RATE_METRIC = 'turing_model_requests_per_second';

function metadata(server: ModelServer, name: string, extraLabels: Record<string, string> = {}) {
  const spec = modelSpecOf(server.spec);
  return {
    name,
    labels: { ...modelLabels(spec), ...extraLabels },
    annotations: modelAnnotations(spec),
    ownerReferences: [modelServerOwnerReference(server)],
  };
}

/**
 * The model's Service: ClusterIP, port `http`. The gateway does not send
 * through it (kube-proxy balances per connection, and keep-alive pins each
 * connection to one pod); it exists for its EndpointSlices, which the
 * EndpointSlice controller labels with the Service's labels, and for
 * in-cluster tools.
 */
export function serviceManifest(server: ModelServer): Named<V1Service, 'v1', 'Service'> {
  const spec = modelSpecOf(server.spec);
  const port = servingPort(spec);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(server, modelObjectName(spec.name)),
    spec: {
      type: 'ClusterIP',
      selector: { [MODEL_LABELS.model]: spec.name },
      ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    },
  };
}

/**
 * At most one serving pod evicted at a time, whatever the replica count.
 * `maxUnavailable: 1` rather than `minAvailable: 1`: with ten replicas,
 * `minAvailable: 1` would let a drain take nine at once; and rather than
 * `maxUnavailable: 0` for a single replica, which would block node drains
 * forever (a one-replica model accepts a short gap; ask for two to avoid it).
 * Pods that are not Ready may always be evicted, so a broken pod never
 * blocks a drain.
 */
export function podDisruptionBudgetManifest(
  server: ModelServer,
): Named<V1PodDisruptionBudget, 'policy/v1', 'PodDisruptionBudget'> {
  const spec = modelSpecOf(server.spec);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(server, modelObjectName(spec.name)),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: { [MODEL_LABELS.model]: spec.name } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}

/**
 * The HPA (autoscaling/v2) between `replicas.min` and `replicas.max`: on
 * CPU utilisation, or with `autoscaleOnRequestRate` on the gateway's
 * request rate per replica ({@link REQUEST_RATE_METRIC}).
 */
export function horizontalPodAutoscalerManifest(
  server: ModelServer,
): Named<V2HorizontalPodAutoscaler, 'autoscaling/v2', 'HorizontalPodAutoscaler'> {
  const spec = modelSpecOf(server.spec);
  const name = modelObjectName(spec.name);
  const rate = spec.autoscaleOnRequestRate;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(server, name),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: spec.replicas.min,
      maxReplicas: spec.replicas.max,
      metrics: rate
        ? [
            {
              type: 'Object',
              object: {
                describedObject: { apiVersion: 'v1', kind: 'Service', name },
                metric: { name: REQUEST_RATE_METRIC },
                target: { type: 'AverageValue', averageValue: quantityOf(rate.targetPerReplica) },
              },
            },
          ]
        : [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: CPU_TARGET_UTILIZATION },
              },
            },
          ],
    },
  };
}

/** A positive number as a Kubernetes quantity: whole numbers as they are, fractions in milli-units. */
function quantityOf(value: number): string {
  return Number.isInteger(value) ? String(value) : `${Math.max(1, Math.round(value * 1000))}m`;
}

/** The serving ConfigMap, immutable and named by its content hash. */
export function servingConfigMapManifest(
  server: ModelServer,
  config: ServingConfig,
): Named<V1ConfigMap, 'v1', 'ConfigMap'> {
  const spec = modelSpecOf(server.spec);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(server, servingConfigMapName(spec.name, config.hash), {
      [MODEL_LABELS.role]: 'serving-config',
    }),
    immutable: true,
    data: config.data,
  };
}

/** The Secret holding the init container's artifact token. */
export function artifactSecretManifest(server: ModelServer, token: string): Named<V1Secret, 'v1', 'Secret'> {
  const spec = modelSpecOf(server.spec);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(server, artifactSecretName(spec.name)),
    type: 'Opaque',
    data: { [ARTIFACT_TOKEN_KEY]: Buffer.from(token, 'utf8').toString('base64') },
  };
}
