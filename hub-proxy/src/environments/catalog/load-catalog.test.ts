import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CatalogError, formatProblem } from './catalog-error.js';
import { loadCompatibilityTable } from './compatibility.js';
import { loadCatalog, parseCatalog } from './load-catalog.js';

const table = loadCompatibilityTable();

/** A small valid catalog; each test breaks one thing in a fresh copy. */
function validCatalog() {
  return {
    gpuTypes: {
      t4: {
        displayName: 'NVIDIA T4',
        nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' } as Record<string, string>,
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      },
      a100: {
        displayName: 'NVIDIA A100',
        nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      },
    },
    environments: [
      {
        id: 'cpu-base',
        displayName: 'Python (CPU)',
        description: 'CPU only.',
        image: 'ghcr.io/turing-platform/cpu-base:1.0',
        versions: { python: '3.11' } as Record<string, unknown>,
        resources: { cpu: { default: '1', max: '4' }, memory: { default: '2Gi', max: '8Gi' } },
      } as Record<string, unknown>,
      {
        id: 'tf-2.16-cuda12.3',
        displayName: 'TensorFlow 2.16',
        description: 'TensorFlow on CUDA 12.3.',
        image: 'ghcr.io/turing-platform/tf-2.16-cuda12.3:2.16.1',
        versions: {
          python: '3.11',
          cuda: '12.3',
          cudnn: '8.9',
          frameworks: { tensorflow: '2.16.1' },
        } as Record<string, unknown>,
        gpu: {
          vendor: 'nvidia',
          resource: 'nvidia.com/gpu',
          counts: [1, 2] as unknown[],
          types: ['t4', 'a100'],
        },
        resources: { cpu: { default: '2', max: '8' }, memory: { default: '8Gi', max: '32Gi' } },
      } as Record<string, unknown>,
    ],
  };
}

type Doc = ReturnType<typeof validCatalog>;

function problemsOf(doc: unknown): string[] {
  try {
    parseCatalog(typeof doc === 'string' ? doc : stringify(doc), table);
  } catch (err) {
    if (err instanceof CatalogError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected a CatalogError');
}

function broken(edit: (doc: Doc) => void): string[] {
  const doc = validCatalog();
  edit(doc);
  return problemsOf(doc);
}

const tf = (doc: Doc) => doc.environments[1] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cpu = (doc: Doc) => doc.environments[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('parseCatalog', () => {
  it('accepts the valid fixture and fills defaults', () => {
    const catalog = parseCatalog(stringify(validCatalog()), table);
    expect(catalog.environments.map((e) => e.id)).toEqual(['cpu-base', 'tf-2.16-cuda12.3']);
    expect(catalog.environments[0]?.tags).toEqual([]);
    expect(catalog.environments[0]?.versions.frameworks).toEqual({});
  });

  it('rejects a missing field', () => {
    expect(broken((doc) => delete tf(doc).description)).toEqual([
      'environments[tf-2.16-cuda12.3].description: is required',
    ]);
  });

  it('rejects an unknown field (a typo must not be ignored)', () => {
    expect(broken((doc) => (tf(doc).gpus = tf(doc).gpu))).toEqual([
      'environments[tf-2.16-cuda12.3].gpus: unknown field',
    ]);
  });

  it.each([
    [
      'ghcr.io/Turing/Base:1.0',
      '"ghcr.io/Turing/Base:1.0" is not an image reference (expected repo:tag or repo@sha256:<64 hex digits>)',
    ],
    [
      'ghcr.io/turing-platform/cpu-base',
      '"ghcr.io/turing-platform/cpu-base" must pin a tag or a digest (repo:tag or repo@sha256:...)',
    ],
    [
      'ghcr.io/turing-platform/cpu-base:latest',
      '"ghcr.io/turing-platform/cpu-base:latest" uses the moving tag "latest"; pin a version tag or a digest',
    ],
    [
      'ghcr.io/turing-platform/cpu-base@sha256:abc',
      '"ghcr.io/turing-platform/cpu-base@sha256:abc" is not an image reference (expected repo:tag or repo@sha256:<64 hex digits>)',
    ],
  ])('rejects the image reference %s', (image, message) => {
    expect(broken((doc) => (cpu(doc).image = image))).toEqual([`environments[cpu-base].image: ${message}`]);
  });

  it.each([
    'quay.io/jupyter/base-notebook:2025-06-02',
    'registry.example.com:5000/team/img:v1.2.3',
    `ghcr.io/turing-platform/cpu-base@sha256:${'a'.repeat(64)}`,
    `ghcr.io/turing-platform/cpu-base:1.0@sha256:${'0123456789abcdef'.repeat(4)}`,
    'python:3.11-slim',
  ])('accepts the image reference %s', (image) => {
    const doc = validCatalog();
    cpu(doc).image = image;
    expect(parseCatalog(stringify(doc), table).environments[0]?.image).toBe(image);
  });

  it('rejects a duplicate id, naming the repeat by index', () => {
    expect(broken((doc) => (tf(doc).id = 'cpu-base'))).toContain(
      'environments[1].id: duplicate id "cpu-base" (also environments[0])',
    );
  });

  it('rejects an id that is not DNS-label-like', () => {
    expect(broken((doc) => (cpu(doc).id = 'CPU_Base'))).toEqual([
      "environments[CPU_Base].id: must be 1-63 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit",
    ]);
  });

  it('rejects a default CPU above the maximum', () => {
    expect(broken((doc) => (cpu(doc).resources.cpu = { default: '16', max: '8' }))).toEqual([
      'environments[cpu-base].resources.cpu.default: 16 is more than the maximum 8',
    ]);
  });

  it('compares memory as quantities, not as text', () => {
    expect(broken((doc) => (cpu(doc).resources.memory = { default: '9000Mi', max: '8Gi' }))).toEqual([
      'environments[cpu-base].resources.memory.default: 9000Mi is more than the maximum 8Gi',
    ]);
    const doc = validCatalog();
    cpu(doc).resources.memory = { default: '512Mi', max: '8Gi' };
    cpu(doc).resources.cpu = { default: 0.5, max: '1500m' };
    expect(parseCatalog(stringify(doc), table).environments[0]?.resources.cpu).toEqual({
      default: '0.5',
      max: '1500m',
    });
  });

  it('rejects a quantity that is not one', () => {
    expect(broken((doc) => (cpu(doc).resources.memory = { default: '2 GB', max: '8Gi' }))).toEqual([
      'environments[cpu-base].resources.memory.default: must be a positive Kubernetes quantity such as "512Mi" or "8Gi"',
    ]);
  });

  it.each([0, 1.5, -1])('rejects the GPU count %s', (count) => {
    expect(broken((doc) => (tf(doc).gpu.counts = [1, count]))).toEqual([
      'environments[tf-2.16-cuda12.3].gpu.counts[1]: must be a positive integer',
    ]);
  });

  it('rejects a repeated GPU count', () => {
    expect(broken((doc) => (tf(doc).gpu.counts = [1, 2, 1]))).toEqual([
      'environments[tf-2.16-cuda12.3].gpu.counts[2]: duplicate GPU count 1',
    ]);
  });

  it('rejects a GPU environment without a CUDA version', () => {
    expect(
      broken((doc) => {
        delete tf(doc).versions.cuda;
        delete tf(doc).versions.cudnn;
      }),
    ).toEqual(['environments[tf-2.16-cuda12.3].versions.cuda: is required for an NVIDIA GPU environment']);
  });

  it('rejects a CPU-only environment with CUDA or cuDNN', () => {
    expect(
      broken((doc) => {
        cpu(doc).versions.cuda = '12.3';
        cpu(doc).versions.cudnn = '8.9';
      }),
    ).toEqual([
      'environments[cpu-base].versions.cuda: must not be set on a CPU-only environment (add a gpu block, or remove cuda)',
      'environments[cpu-base].versions.cudnn: must not be set on a CPU-only environment (add a gpu block, or remove cudnn)',
    ]);
  });

  it('rejects a reference to an unknown GPU type', () => {
    expect(broken((doc) => (tf(doc).gpu.types = ['t4', 'h100']))).toEqual([
      'environments[tf-2.16-cuda12.3].gpu.types[1]: unknown GPU type "h100" (gpuTypes defines t4, a100)',
    ]);
  });

  it('rejects an unquoted YAML version with advice', () => {
    const yaml = stringify(validCatalog()).replace(/python: "?3\.11"?/, 'python: 3.10');
    expect(problemsOf(yaml)).toContain(
      'environments[cpu-base].versions.python: must be a quoted string such as "3.11" (YAML reads an unquoted 3.10 as the number 3.1)',
    );
  });

  it('rejects a TensorFlow/CUDA mismatch', () => {
    expect(broken((doc) => (tf(doc).versions.cuda = '11.8'))).toEqual([
      'environments[tf-2.16-cuda12.3].versions.cuda: TensorFlow 2.16 was tested with CUDA 12.3, not 11.8',
    ]);
  });

  it('rejects a cuDNN mismatch, and a missing cuDNN', () => {
    expect(broken((doc) => (tf(doc).versions.cudnn = '8.6'))).toEqual([
      'environments[tf-2.16-cuda12.3].versions.cudnn: TensorFlow 2.16 with CUDA 12.3 was tested with cuDNN 8.9, not 8.6',
    ]);
    expect(broken((doc) => delete tf(doc).versions.cudnn)).toEqual([
      'environments[tf-2.16-cuda12.3].versions.cudnn: is required: TensorFlow 2.16 with CUDA 12.3 was tested with cuDNN 8.9',
    ]);
  });

  it('rejects a Python version outside the framework range', () => {
    expect(broken((doc) => (tf(doc).versions.python = '3.13'))).toEqual([
      'environments[tf-2.16-cuda12.3].versions.python: TensorFlow 2.16 supports Python 3.9 to 3.12, not 3.13',
    ]);
  });

  it('lists every CUDA build when a PyTorch release has several', () => {
    expect(
      broken((doc) => {
        tf(doc).versions.frameworks = { torch: '2.5.1' };
        tf(doc).versions.cuda = '12.6';
      }),
    ).toEqual([
      'environments[tf-2.16-cuda12.3].versions.cuda: PyTorch 2.5 was tested with CUDA 11.8, 12.1 or 12.4, not 12.6',
    ]);
  });

  it('rejects a framework release the table does not list', () => {
    expect(broken((doc) => (tf(doc).versions.frameworks = { tensorflow: '2.22.0' }))).toEqual([
      'environments[tf-2.16-cuda12.3].versions.frameworks.tensorflow: TensorFlow 2.22.0 is not in the compatibility table (it lists 2.12, 2.13, 2.14, 2.15, 2.16, 2.17, 2.18, 2.19, 2.20, 2.21)',
    ]);
  });

  it('does not judge frameworks the table does not know', () => {
    const doc = validCatalog();
    tf(doc).versions.frameworks = { tensorflow: '2.16.1', 'scikit-learn': '1.6.1' };
    expect(() => parseCatalog(stringify(doc), table)).not.toThrow();
  });

  it('rejects two defaults', () => {
    expect(
      broken((doc) => {
        cpu(doc).default = true;
        tf(doc).default = true;
      }),
    ).toEqual([
      'environments[tf-2.16-cuda12.3].default: only one environment may be the default (environments[0] already is)',
    ]);
  });

  it('reports every problem at once, across entries and kinds', () => {
    const doc = validCatalog();
    delete cpu(doc).displayName;
    tf(doc).versions.cuda = '11.8';
    tf(doc).gpu.types = ['v100'];
    let error: unknown;
    try {
      parseCatalog(stringify(doc), table, 'images/catalog.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).message).toBe(
      [
        'Invalid images/catalog.yaml:',
        '  - environments[cpu-base].displayName: is required',
        '  - environments[tf-2.16-cuda12.3].gpu.types[0]: unknown GPU type "v100" (gpuTypes defines t4, a100)',
        '  - environments[tf-2.16-cuda12.3].versions.cuda: TensorFlow 2.16 was tested with CUDA 12.3, not 11.8',
      ].join('\n'),
    );
  });

  it('names an entry without an id by its index', () => {
    expect(broken((doc) => delete cpu(doc).id)).toEqual(['environments[0].id: is required']);
  });

  it('rejects bad GPU types', () => {
    expect(
      broken((doc) => {
        doc.gpuTypes.t4.nodeSelector = {};
        doc.gpuTypes.a100.tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedul' }];
      }),
    ).toEqual([
      'gpuTypes.t4.nodeSelector: must select at least one node label',
      'gpuTypes.a100.tolerations[0].effect: must be "NoSchedule", "PreferNoSchedule" or "NoExecute"',
    ]);
  });

  it('rejects YAML that does not parse, and an empty catalog', () => {
    expect(problemsOf('environments: [')[0]).toMatch(/^\(root\): not valid YAML: /);
    expect(problemsOf({ environments: [] })).toEqual(['environments: must list at least one environment']);
  });
});

describe('loadCatalog', () => {
  it('loads the shipped images/catalog.yaml against images/compatibility.yaml', () => {
    const catalog = loadCatalog();
    expect(catalog.environments.map((e) => e.id)).toEqual([
      'cpu-base',
      'xgboost-cpu',
      'xgboost-3.4-cpu',
      'tf-2.14-cuda11.8',
      'tf-2.16-cuda12.3',
      'tf-2.21-cuda12.5',
      'torch-2.7-cuda12.6',
      'torch-2.15-cuda13.2',
    ]);
    expect(Object.keys(catalog.gpuTypes).sort()).toEqual(['a100', 't4']);
  });

  it('throws a CatalogError naming an unreadable file', () => {
    expect(() => loadCatalog('/nonexistent/catalog.yaml')).toThrow(
      /Invalid \/nonexistent\/catalog\.yaml:\n {2}- \(root\): cannot read/,
    );
  });
});
