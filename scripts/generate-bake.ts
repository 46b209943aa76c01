/**
 * The image build matrix: writes images/docker-bake.hcl from the environment
 * catalog (images/catalog.yaml, loaded and validated by hub-proxy's own
 * catalog loader), the compatibility table and the pinned base images
 * (images/notebook/base-images.yaml). One target per catalog environment,
 * tagged with the environment's `image`; the notebook bases those targets
 * build on; the hub-proxy and runner images. docs/images.md.
 *
 *   npx tsx scripts/generate-bake.ts           write the file
 *   npx tsx scripts/generate-bake.ts --check   write nothing; exit 1 if it is stale
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  IMAGE_REFERENCE,
  loadCatalog,
  loadCompatibilityTable,
  type Catalog,
  type CompatibilityTable,
  type Environment,
} from '../hub-proxy/src/environments/catalog/index.js';
import { syncGeneratedFile } from './generated-file.js';

/** The repository root; file names below are relative to it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');
/** The generated file. */
export const BAKE_FILE = 'images/docker-bake.hcl';
/** The pinned images the notebook bases are built on. */
export const BASE_IMAGES_FILE = 'images/notebook/base-images.yaml';

/** The Dockerfile of each kind of image; every target uses one of them. */
export const DOCKERFILES = {
  base: 'images/notebook/base/Dockerfile',
  tensorflow: 'images/notebook/tensorflow/Dockerfile',
  pytorch: 'images/notebook/pytorch/Dockerfile',
  xgboost: 'images/notebook/xgboost/Dockerfile',
  hubProxy: 'images/hub-proxy/Dockerfile',
  runner: 'images/runner/Dockerfile',
} as const;

/** The CUDA wheels (TensorFlow's, PyTorch's) exist for x86_64 Linux; so do the images. */
const NOTEBOOK_PLATFORMS = ['linux/amd64'];
const PYTORCH_WHEEL_INDEX = 'https://download.pytorch.org/whl/';

/** Pinned by digest, or by a tag holding an exact major.minor.patch version. */
const pinnedImage = z.string().refine(
  (ref) => {
    const groups = IMAGE_REFERENCE.exec(ref)?.groups;
    return groups?.digest !== undefined || /(?:^|[^0-9.])\d+\.\d+\.\d+(?![0-9])/.test(groups?.tag ?? '');
  },
  { error: 'must be pinned by digest or by an exact major.minor.patch tag' },
);

/** images/notebook/base-images.yaml. */
export const baseImagesSchema = z.strictObject({
  baseRepository: z.string().regex(IMAGE_REFERENCE),
  /** An exact major.minor.patch version, so the bases' own tags are pinned too. */
  release: z.string().regex(/^\d+\.\d+\.\d+$/),
  cpu: pinnedImage,
  cuda: z.record(z.string().regex(/^\d+\.\d+$/), pinnedImage),
});
export type BaseImages = z.infer<typeof baseImagesSchema>;

/** One `target` block of the bake file. */
export interface BakeTarget {
  /** Bake target names allow letters, digits, `-` and `_`: environment ids with `.` as `_`. */
  name: string;
  dockerfile: string;
  /** Named contexts: the base image reference -> `target:<base target>`. */
  contexts: Record<string, string>;
  args: Record<string, string>;
  tags: string[];
  platforms: string[];
}

/** The whole matrix, in the order it is written. */
export interface BakeMatrix {
  groups: Record<string, string[]>;
  targets: BakeTarget[];
}

/** The bake target name of an environment id (or any dotted name). */
export function targetName(id: string): string {
  return id.replace(/\./g, '_');
}

/**
 * Builds the matrix. Throws, naming the environment, when an environment
 * cannot be built: a CUDA line without a base image, a framework no layer
 * installs, two framework layers, or an image pinned only by digest.
 */
export function bakeMatrix(
  catalog: Catalog,
  table: CompatibilityTable,
  bases: BaseImages,
  services: { hubProxyImage: string; runnerImage: string },
): BakeMatrix {
  const baseTargets = new Map<string, BakeTarget>();
  const envTargets: BakeTarget[] = [];

  // Frameworkless environments are notebook bases themselves; others reuse them.
  const sorted = [...catalog.environments].sort((a, b) => Number(isLayered(a)) - Number(isLayered(b)));
  const byId = new Map<string, BakeTarget>();
  for (const env of sorted) {
    const from = baseImageOf(env, bases);
    const key = baseKey(from, env.versions.python);
    if (!isLayered(env)) {
      const target = notebookBase(targetName(env.id), from, env, [buildTag(env)]);
      if (!cudnnRequirement(env) && !baseTargets.has(key)) baseTargets.set(key, target);
      byId.set(env.id, target);
      continue;
    }
    let base = baseTargets.get(key);
    if (!base) {
      const flavour = env.versions.cuda ? `cuda${env.versions.cuda}` : 'cpu';
      const suffix = `py${env.versions.python}-${flavour}`;
      base = notebookBase(targetName(`notebook-base-${suffix}`), from, env, [
        `${bases.baseRepository}:${bases.release}-${suffix}`,
      ]);
      baseTargets.set(key, base);
    }
    byId.set(env.id, frameworkTarget(env, base, table));
  }
  for (const env of catalog.environments) {
    const target = byId.get(env.id);
    if (target) envTargets.push(target);
  }

  const sharedBases = [...baseTargets.values()].filter((t) => !envTargets.includes(t));
  const gpu = new Set(catalog.environments.filter((e) => e.gpu).map((e) => targetName(e.id)));
  const envNames = envTargets.map((t) => t.name);
  const service = (name: string, dockerfile: string, tag: string): BakeTarget => ({
    name,
    dockerfile,
    contexts: {},
    args: {},
    tags: [tag],
    platforms: [],
  });
  const serviceTargets = [
    service('hub-proxy', DOCKERFILES.hubProxy, services.hubProxyImage),
    service('runner', DOCKERFILES.runner, services.runnerImage),
  ];
  return {
    groups: {
      default: [...sharedBases.map((t) => t.name), ...envNames, ...serviceTargets.map((t) => t.name)],
      bases: sharedBases.map((t) => t.name),
      cpu: envNames.filter((name) => !gpu.has(name)),
      gpu: envNames.filter((name) => gpu.has(name)),
      services: serviceTargets.map((t) => t.name),
    },
    targets: [...sharedBases, ...envTargets, ...serviceTargets],
  };
}

/** The tag an environment's image is built under: its `image` without a digest. */
export function buildTag(env: Environment): string {
  const [reference = '', digest] = env.image.split('@');
  const tag = IMAGE_REFERENCE.exec(reference)?.groups?.tag;
  if (tag === undefined) {
    throw new Error(
      `environments[${env.id}].image ${env.image} has no tag to build; give it repo:tag (a digest may follow once the pipeline pushed it)`,
    );
  }
  return digest === undefined ? env.image : reference;
}

/** An environment with a framework layer on top of a notebook base. */
function isLayered(env: Environment): boolean {
  return Object.keys(env.versions.frameworks).length > 0;
}

function baseKey(from: string, python: string): string {
  return `${from} python${python}`;
}

function baseImageOf(env: Environment, bases: BaseImages): string {
  const cuda = env.versions.cuda;
  if (cuda === undefined) return bases.cpu;
  const image = bases.cuda[minor(cuda)];
  if (!image) {
    throw new Error(
      `environments[${env.id}].versions.cuda ${cuda}: ${BASE_IMAGES_FILE} has no CUDA image for it (it has ${Object.keys(bases.cuda).join(', ')})`,
    );
  }
  return image;
}

function notebookBase(name: string, from: string, env: Environment, tags: string[]): BakeTarget {
  const args: Record<string, string> = { BASE_IMAGE: from, PYTHON_VERSION: env.versions.python };
  const cudnn = isLayered(env) ? undefined : cudnnRequirement(env);
  if (cudnn) args.CUDNN_REQUIREMENT = cudnn;
  return { name, dockerfile: DOCKERFILES.base, contexts: {}, args, tags, platforms: NOTEBOOK_PLATFORMS };
}

/** The layer for the environment's framework, on `base` built in the same run. */
function frameworkTarget(env: Environment, base: BakeTarget, table: CompatibilityTable): BakeTarget {
  const baseRef = base.tags[0] ?? '';
  const { kind, args } = frameworkArgs(env, table);
  // Always passed: an empty value overrides the Dockerfile's example default.
  args.CUDNN_REQUIREMENT = cudnnRequirement(env) ?? '';
  return {
    name: targetName(env.id),
    dockerfile: DOCKERFILES[kind],
    // The base is overridden by the target built in this run, not pulled.
    contexts: { [baseRef]: `target:${base.name}` },
    args: { NOTEBOOK_BASE: baseRef, ...args },
    tags: [buildTag(env)],
    platforms: NOTEBOOK_PLATFORMS,
  };
}

/** Which layer installs the environment's frameworks, with its build arguments. */
function frameworkArgs(
  env: Environment,
  table: CompatibilityTable,
): { kind: 'tensorflow' | 'pytorch' | 'xgboost'; args: Record<string, string> } {
  const { frameworks, cuda } = env.versions;
  const names = Object.keys(frameworks);
  const primaries = names.filter((n) => n === 'tensorflow' || n === 'torch' || n === 'xgboost');
  const fail = (why: string) => new Error(`environments[${env.id}].versions.frameworks: ${why}`);
  if (primaries.length !== 1) {
    throw fail(
      `needs exactly one of tensorflow, torch or xgboost for its image layer, not ${names.join(', ')}`,
    );
  }
  const only = (allowed: string[]) => {
    const extra = names.filter((n) => !allowed.includes(n));
    if (extra.length > 0) throw fail(`no image layer installs ${extra.join(', ')} with ${primaries[0]}`);
  };
  const version = (name: string) => frameworks[name] ?? '';
  switch (primaries[0]) {
    case 'tensorflow':
      only(['tensorflow']);
      return {
        kind: 'tensorflow',
        args: {
          TENSORFLOW_VERSION: version('tensorflow'),
          TENSORFLOW_EXTRA: env.gpu ? 'and-cuda' : '',
          CUDA_VERSION: cuda ?? '',
        },
      };
    case 'torch':
      only(['torch', 'torchvision', 'torchaudio']);
      return {
        kind: 'pytorch',
        args: {
          TORCH_VERSION: version('torch'),
          TORCHVISION_VERSION: version('torchvision'),
          TORCHAUDIO_VERSION: version('torchaudio'),
          TORCH_INDEX_URL: torchIndex(env, table),
          CUDA_VERSION: cuda ?? '',
        },
      };
    default:
      only(['xgboost', 'scikit-learn']);
      return {
        kind: 'xgboost',
        args: {
          XGBOOST_VERSION: version('xgboost'),
          XGBOOST_PACKAGE: env.gpu ? 'xgboost' : 'xgboost-cpu',
          SCIKIT_LEARN_VERSION: version('scikit-learn'),
        },
      };
  }
}

/**
 * Where pip finds the torch build the catalog names: the wheel variant the
 * table lists for its CUDA line, the CPU variant for a CPU environment, or
 * PyPI (empty) for a build the table lists without a variant.
 */
function torchIndex(env: Environment, table: CompatibilityTable): string {
  const cuda = env.versions.cuda;
  if (cuda === undefined) return `${PYTORCH_WHEEL_INDEX}cpu`;
  const installed = env.versions.frameworks.torch ?? '';
  const release = table.frameworks.torch?.releases.find((r) => minor(installed) === r.version);
  const build = release?.gpu?.find((b) => minor(b.cuda) === minor(cuda));
  if (!build)
    throw new Error(`environments[${env.id}]: the compatibility table has no torch build for CUDA ${cuda}`);
  return build.wheel ? `${PYTORCH_WHEEL_INDEX}${build.wheel}` : '';
}

/** The catalog's cuDNN as a pip requirement on NVIDIA's cuDNN wheel for the CUDA major. */
function cudnnRequirement(env: Environment): string | undefined {
  const { cuda, cudnn } = env.versions;
  if (cuda === undefined || cudnn === undefined) return undefined;
  return `nvidia-cudnn-cu${cuda.split('.')[0]}==${minor(cudnn)}.*`;
}

function minor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** The bake file's text. */
export function renderBake(matrix: BakeMatrix): string {
  const lines = [
    '# GENERATED by scripts/generate-bake.ts from images/catalog.yaml,',
    '# images/compatibility.yaml, images/notebook/base-images.yaml and the',
    '# chart (hub-proxy image name, appVersion). Do not edit: change those and',
    '# run `npx tsx scripts/generate-bake.ts`; a test fails when this file is stale.',
    '#',
    '# From the repository root, after `npm run package:wheel` (the notebook',
    '# bases install dist/turing_jupyterlab-*.whl):',
    '#   docker buildx bake -f images/docker-bake.hcl            # everything',
    '#   docker buildx bake -f images/docker-bake.hcl gpu --push # one group',
    '# docs/images.md.',
  ];
  for (const [name, targets] of Object.entries(matrix.groups)) {
    lines.push('', `group ${hcl(name)} {`, `  targets = ${list(targets)}`, '}');
  }
  for (const target of matrix.targets) {
    lines.push(
      '',
      `target ${hcl(target.name)} {`,
      `  context = "."`,
      `  dockerfile = ${hcl(target.dockerfile)}`,
    );
    lines.push(...map('contexts', target.contexts, true), ...map('args', target.args, false));
    lines.push(`  tags = ${list(target.tags)}`);
    if (target.platforms.length > 0) lines.push(`  platforms = ${list(target.platforms)}`);
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

function map(name: string, entries: Record<string, string>, quoteKeys: boolean): string[] {
  const keys = Object.keys(entries);
  if (keys.length === 0) return [];
  return [
    `  ${name} = {`,
    ...keys.map((key) => `    ${quoteKeys ? hcl(key) : key} = ${hcl(entries[key] ?? '')}`),
    '  }',
  ];
}

function list(items: string[]): string {
  return `[${items.map(hcl).join(', ')}]`;
}

/** A quoted HCL string; refuses what would need escaping or start an interpolation. */
function hcl(text: string): string {
  if (/["\\\n]|\$\{|%\{/.test(text))
    throw new Error(`cannot write ${JSON.stringify(text)} into the bake file`);
  return `"${text}"`;
}

/** Reads the inputs from the repository and returns the bake file's text. */
export function generateBake(root = REPO_ROOT): string {
  const catalog = loadCatalog(
    resolve(root, 'images/catalog.yaml'),
    resolve(root, 'images/compatibility.yaml'),
  );
  const table = loadCompatibilityTable(resolve(root, 'images/compatibility.yaml'));
  const bases = baseImagesSchema.parse(parse(readFileSync(resolve(root, BASE_IMAGES_FILE), 'utf8')));
  return renderBake(bakeMatrix(catalog, table, bases, chartImages(root)));
}

/** The hub-proxy and runner images the chart deploys (their values.yaml names, Chart.yaml's appVersion). */
export function chartImages(root = REPO_ROOT): { hubProxyImage: string; runnerImage: string } {
  const chart = z
    .object({ appVersion: z.string().min(1) })
    .parse(parse(readFileSync(resolve(root, 'helm/turing/Chart.yaml'), 'utf8')));
  const values = z
    .object({
      hubProxy: z.object({ image: z.object({ name: z.string().min(1) }) }),
      modelGateway: z.object({ initImage: z.object({ name: z.string().min(1) }) }),
    })
    .parse(parse(readFileSync(resolve(root, 'helm/turing/values.yaml'), 'utf8')));
  return {
    hubProxyImage: `${values.hubProxy.image.name}:${chart.appVersion}`,
    runnerImage: `${values.modelGateway.initImage.name}:${chart.appVersion}`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fresh = syncGeneratedFile(REPO_ROOT, BAKE_FILE, generateBake(), process.argv.includes('--check'));
  process.exitCode = fresh ? 0 : 1;
}
