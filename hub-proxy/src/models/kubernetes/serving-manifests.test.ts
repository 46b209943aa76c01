import { describe, expect, it } from 'vitest';
import { servingConfig } from './serving-config.js';
import {
  artifactSecretManifest,
  horizontalPodAutoscalerManifest,
  podDisruptionBudgetManifest,
  serviceManifest,
  servingConfigMapManifest,
} from './serving-manifests.js';
import { modelServerFixture, modelSpecFixture } from './testing/model-server-fixture.js';

const server = modelServerFixture();

describe('serving manifests', () => {
  it('exposes the REST port as `http` on a ClusterIP Service selecting the model, labelled for its slices', () => {
    const service = serviceManifest(server);
    expect(service.metadata.labels).toMatchObject({ 'turing.dev/model': 'ctr', 'turing.dev/owner': 'alice' });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'turing.dev/model': 'ctr' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    });
    const tf = serviceManifest(
      modelServerFixture(modelSpecFixture({ runtime: { kind: 'tfserving', version: '2.19.0', gpu: false } })),
    );
    expect(tf.spec?.ports?.[0]?.port).toBe(8501);
  });

  it('lets a drain evict one serving pod at a time, and broken pods always', () => {
    expect(podDisruptionBudgetManifest(server).spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'turing.dev/model': 'ctr' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('scales the Deployment on CPU between min and max by default', () => {
    expect(horizontalPodAutoscalerManifest(server).spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model-ctr' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    });
  });

  it("scales on the gateway's request rate per replica when asked", () => {
    const hpa = horizontalPodAutoscalerManifest(
      modelServerFixture(modelSpecFixture({ autoscaleOnRequestRate: { targetPerReplica: 0.5 } })),
    );
    expect(hpa.spec?.metrics).toEqual([
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'v1', kind: 'Service', name: 'model-ctr' },
          metric: { name: 'turing_model_requests_per_second' },
          target: { type: 'AverageValue', averageValue: '500m' },
        },
      },
    ]);
  });

  it('makes the serving ConfigMap immutable, named by its content and marked for clean-up', () => {
    const config = servingConfig(modelSpecFixture());
    const configMap = servingConfigMapManifest(server, config);
    expect(configMap.metadata.name).toBe(`model-ctr-${config.hash}`);
    expect(configMap.immutable).toBe(true);
    expect(configMap.data).toBe(config.data);
    expect(configMap.metadata.labels).toMatchObject({ 'turing.dev/role': 'serving-config' });
  });

  it('keeps the token only base64-encoded in the Secret, owned by the ModelServer', () => {
    const secret = artifactSecretManifest(server, 'tma1.x.y');
    expect(secret.metadata.name).toBe('model-ctr-artifacts');
    expect(secret.data).toEqual({ token: Buffer.from('tma1.x.y').toString('base64') });
    expect(secret.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ModelServer', uid: 'uid-ctr' });
  });
});
