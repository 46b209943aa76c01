import { describe, expect, it } from 'vitest';
import { inferenceThreads, servingConfig, tfServingArgs, tfServingModelConfig } from './serving-config.js';
import { modelSpecFixture, versionFixture } from './testing/model-server-fixture.js';

describe('tfServingModelConfig', () => {
  it('pins the stable and canary versions with a specific policy and labels them', () => {
    expect(
      tfServingModelConfig({ name: 'vision', traffic: { stable: 4, canary: 3, canaryPercent: 10 } }),
    ).toBe(
      [
        'model_config_list {',
        '  config {',
        '    name: "vision"',
        '    base_path: "/models/vision"',
        '    model_platform: "tensorflow"',
        '    model_version_policy {',
        '      specific {',
        '        versions: 3',
        '        versions: 4',
        '      }',
        '    }',
        '    version_labels {',
        '      key: "stable"',
        '      value: 4',
        '    }',
        '    version_labels {',
        '      key: "canary"',
        '      value: 3',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('servingConfig', () => {
  const tensorflow = modelSpecFixture({
    name: 'vision',
    runtime: { kind: 'tfserving', version: '2.19.0', gpu: false },
    format: 'tensorflow',
    versions: [versionFixture(1, 'tensorflow'), versionFixture(2, 'tensorflow')],
    traffic: { stable: 1, canary: 2, canaryPercent: 10 },
  });

  it('gives TF Serving its model config and Prometheus monitoring config, as plain keys', () => {
    const config = servingConfig(tensorflow);
    expect(Object.keys(config.data).sort()).toEqual(['models.config', 'monitoring.config']);
    expect(config.data['monitoring.config']).toBe(
      'prometheus_config {\n  enable: true\n  path: "/monitoring/prometheus/metrics"\n}\n',
    );
    expect(config.items).toEqual([]);
  });

  it("lays MLServer's files out as its model repository wants them, one model-settings.json per wanted version", () => {
    const config = servingConfig(modelSpecFixture({ traffic: { stable: 2, canary: 1, canaryPercent: 5 } }));
    expect(config.items).toEqual([
      { key: 'settings.json', path: 'settings.json' },
      { key: 'model-settings-2.json', path: 'ctr/2/model-settings.json' },
      { key: 'model-settings-1.json', path: 'ctr/1/model-settings.json' },
    ]);
    expect(JSON.parse(config.data['model-settings-2.json'] ?? '')).toEqual({
      name: 'ctr',
      implementation: 'mlserver_xgboost.XGBoostModel',
      parameters: { uri: '/models/ctr/2/model.json', version: '2' },
    });
    expect(JSON.parse(config.data['settings.json'] ?? '')).toMatchObject({
      http_port: 8080,
      metrics_port: 8082,
      metrics_dir: '/tmp/mlserver-metrics',
      environments_dir: '/tmp/mlserver-envs',
      parallel_workers: 0,
      debug: false,
    });
  });

  it('uses the sklearn runtime for sklearn versions', () => {
    const spec = modelSpecFixture({ format: 'sklearn', versions: [versionFixture(1, 'sklearn')] });
    expect(JSON.parse(servingConfig(spec).data['model-settings-1.json'] ?? '')).toMatchObject({
      implementation: 'mlserver_sklearn.SKLearnModel',
      parameters: { uri: '/models/ctr/1/model.joblib' },
    });
  });

  it('names the content: the same versions give the same hash, another split another one', () => {
    const a = servingConfig(modelSpecFixture());
    expect(servingConfig(modelSpecFixture({ replicas: { min: 1, max: 9 } })).hash).toBe(a.hash);
    expect(servingConfig(modelSpecFixture({ traffic: { stable: 2, canaryPercent: 0 } })).hash).not.toBe(
      a.hash,
    );
    expect(a.hash).toMatch(/^[0-9a-f]{10}$/);
  });

  it('refuses a traffic split naming a version the model does not have', () => {
    expect(() => servingConfig(modelSpecFixture({ traffic: { stable: 7, canaryPercent: 0 } }))).toThrow(
      /no version 7/,
    );
  });
});

describe('inference threads', () => {
  it.each([
    ['250m', 1],
    ['1', 1],
    ['1500m', 1],
    ['2', 2],
    ['3500m', 3],
  ])('%s CPUs run %i thread(s)', (cpu, threads) => {
    expect(inferenceThreads(cpu)).toBe(threads);
  });

  it("bounds TF Serving's TensorFlow thread pools the same way", () => {
    expect(tfServingArgs({ resources: { cpu: '4', memory: '1Gi', gpu: 0 } })).toEqual([
      '--port=8500',
      '--rest_api_port=8501',
      '--model_config_file=/etc/turing/serving/models.config',
      '--model_config_file_poll_wait_seconds=60',
      '--monitoring_config_file=/etc/turing/serving/monitoring.config',
      '--tensorflow_intra_op_parallelism=4',
      '--tensorflow_inter_op_parallelism=4',
    ]);
  });
});
