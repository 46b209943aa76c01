import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  IMAGE_REFERENCE,
  loadCatalog,
  loadCompatibilityTable,
  offeredCatalog,
  toProfileList,
  type Catalog,
} from '../../hub-proxy/src/environments/catalog/index.js';
import {
  BAKE_FILE,
  BASE_IMAGES_FILE,
  DOCKERFILES,
  REPO_ROOT,
  bakeMatrix,
  baseImagesSchema,
  buildTag,
  chartImages,
  generateBake,
  targetName,
  type BaseImages,
} from '../../scripts/generate-bake.js';
import { argDeclarations, parseDockerfile } from '../support/dockerfile.js';
import { parseBake } from '../support/bake-file.js';

/*
 * The catalog, the bake matrix, the KubeSpawner profiles and the image tags
 * agree: images/docker-bake.hcl is what scripts/generate-bake.ts writes
 * from images/catalog.yaml, and each piece is checked against the others
 * from the committed file, read with its own small parser.
 */

const catalog = loadCatalog();
const table = loadCompatibilityTable();
const bases = baseImagesSchema.parse(parseYaml(readFileSync(join(REPO_ROOT, BASE_IMAGES_FILE), 'utf8')));
const committed = readFileSync(join(REPO_ROOT, BAKE_FILE), 'utf8');
const bake = parseBake(committed);
const byName = new Map(bake.targets.map((t) => [t.name, t]));

describe('images/docker-bake.hcl', () => {
  it('is exactly what scripts/generate-bake.ts writes from the catalog', () => {
    expect(committed === generateBake(), `${BAKE_FILE} is stale: run npx tsx scripts/generate-bake.ts`).toBe(
      true,
    );
  });

  it('gives every catalog environment exactly one target, tagged with its image', () => {
    for (const env of catalog.environments) {
      const tagged = bake.targets.filter((t) => t.tags.includes(buildTag(env)));
      expect(
        tagged.map((t) => t.name),
        env.id,
      ).toEqual([targetName(env.id)]);
      expect(buildTag(env)).toBe(env.image); // no shipped image is pinned by digest yet
    }
  });

  it('tags every image with an explicit version, never latest', () => {
    for (const target of bake.targets) {
      expect(target.tags.length, target.name).toBeGreaterThan(0);
      for (const tag of target.tags) {
        const groups = IMAGE_REFERENCE.exec(tag)?.groups;
        expect(groups?.tag, `${target.name}: ${tag}`).toBeDefined();
        expect(groups?.tag).not.toBe('latest');
        expect(groups?.digest, `${target.name}: a tag, not a digest`).toBeUndefined();
      }
    }
  });

  it('builds the hub-proxy image the chart deploys and the runner image', () => {
    const { hubProxyImage, runnerImage } = chartImages();
    expect(hubProxyImage).toMatch(/^ghcr\.io\/turing-platform\/hub-proxy:\d+\.\d+\.\d+/);
    expect(byName.get('hub-proxy')).toMatchObject({
      context: '.',
      dockerfile: 'images/hub-proxy/Dockerfile',
      tags: [hubProxyImage],
    });
    expect(byName.get('runner')).toMatchObject({
      context: '.',
      dockerfile: 'images/runner/Dockerfile',
      tags: [runnerImage],
    });
  });

  it('groups: default builds every target; cpu and gpu split the environments by their gpu block', () => {
    expect(new Set(bake.groups.default)).toEqual(new Set(bake.targets.map((t) => t.name)));
    const envName = (gpu: boolean) =>
      catalog.environments.filter((e) => Boolean(e.gpu) === gpu).map((e) => targetName(e.id));
    expect(bake.groups.cpu).toEqual(envName(false));
    expect(bake.groups.gpu).toEqual(envName(true));
    for (const names of Object.values(bake.groups)) {
      for (const name of names) expect(byName.has(name), name).toBe(true);
    }
  });

  it('points every target at an existing Dockerfile that declares every argument passed, and passes every argument a notebook layer declares (no example default leaks into an image)', () => {
    // CONDA_VERSION is the base Dockerfile's own pin; the generator does not choose it.
    const dockerfileOwned = new Set(['CONDA_VERSION']);
    for (const target of bake.targets) {
      const path = join(REPO_ROOT, target.dockerfile);
      expect(existsSync(path), `${target.name}: ${target.dockerfile}`).toBe(true);
      if (!existsSync(path)) continue;
      const dockerfile = parseDockerfile(readFileSync(path, 'utf8'));
      const final = dockerfile.stages.at(-1);
      const stageArgs = new Map(
        (final?.instructions ?? []).filter((i) => i.keyword === 'ARG').flatMap((i) => argDeclarations(i)),
      );
      for (const [name, value] of Object.entries(target.args)) {
        const inFrom = final?.image.includes(`\${${name}}`) ?? false;
        expect(
          inFrom ? dockerfile.globalArgs.has(name) : stageArgs.has(name),
          `${target.name}: ${target.dockerfile} declares ARG ${name} (${value}) ${inFrom ? 'before FROM' : 'in its final stage'}`,
        ).toBe(true);
      }
      if (!target.dockerfile.startsWith('images/notebook/')) continue;
      for (const [name, fallback] of stageArgs) {
        if (name in target.args || dockerfileOwned.has(name)) continue;
        expect(fallback ?? '', `${target.name} leaves ARG ${name} at its default`).toBe('');
      }
    }
  });

  it('builds each framework layer on the notebook base built in the same run, with a matching Python and base image', () => {
    for (const env of catalog.environments) {
      const target = byName.get(targetName(env.id));
      if (!target || Object.keys(env.versions.frameworks).length === 0) continue;
      const baseRef = target.args.NOTEBOOK_BASE ?? '';
      const [link, ...others] = Object.entries(target.contexts);
      expect(others, env.id).toEqual([]);
      expect(link?.[0], env.id).toBe(baseRef);
      const base = byName.get((link?.[1] ?? '').replace(/^target:/, ''));
      expect(base?.tags, `${env.id}: its base target carries the reference it overrides`).toContain(baseRef);
      expect(base?.dockerfile).toBe(DOCKERFILES.base);
      expect(base?.args.PYTHON_VERSION).toBe(env.versions.python);
      expect(base?.args.BASE_IMAGE).toBe(baseImageFor(env.versions.cuda, bases));
    }
  });

  it('passes each environment its framework versions, CUDA line and cuDNN as the catalog states them', () => {
    const expectArgs: Record<string, Record<string, string>> = {
      'tf-2.21-cuda12.5': {
        TENSORFLOW_VERSION: '2.21.0',
        TENSORFLOW_EXTRA: 'and-cuda',
        CUDA_VERSION: '12.5',
        CUDNN_REQUIREMENT: 'nvidia-cudnn-cu12==9.3.*',
      },
      'tf-2.14-cuda11.8': { CUDA_VERSION: '11.8', CUDNN_REQUIREMENT: 'nvidia-cudnn-cu11==8.7.*' },
      // PyPI's Linux build (the table lists it without a wheel variant).
      'torch-2.15-cuda13.2': {
        TORCH_VERSION: '2.15.0',
        TORCH_INDEX_URL: '',
        CUDA_VERSION: '13.2',
        CUDNN_REQUIREMENT: 'nvidia-cudnn-cu13==9.26.*',
      },
      'torch-2.7-cuda12.6': {
        TORCHVISION_VERSION: '0.22.1',
        TORCH_INDEX_URL: 'https://download.pytorch.org/whl/cu126',
      },
      'xgboost-3.4-cpu': {
        XGBOOST_VERSION: '3.4.1',
        XGBOOST_PACKAGE: 'xgboost-cpu',
        SCIKIT_LEARN_VERSION: '1.9.1',
        CUDNN_REQUIREMENT: '',
      },
    };
    for (const [id, args] of Object.entries(expectArgs)) {
      expect(byName.get(targetName(id))?.args, id).toMatchObject(args);
    }
    for (const env of catalog.environments) {
      const args = byName.get(targetName(env.id))?.args ?? {};
      for (const [name, version] of Object.entries(env.versions.frameworks)) {
        expect(Object.values(args), `${env.id}: ${name} ${version}`).toContain(version);
      }
      const { cuda, cudnn } = env.versions;
      if (cuda && cudnn) {
        const wheel = `nvidia-cudnn-cu${cuda.split('.')[0]}==${cudnn.split('.').slice(0, 2).join('.')}.*`;
        expect(args.CUDNN_REQUIREMENT, env.id).toBe(wheel);
        expect(args.CUDA_VERSION, env.id).toBe(cuda);
      }
    }
  });

  it('pins every base image by digest or exact version, and has one for every CUDA line in the catalog', () => {
    for (const env of catalog.environments) {
      expect(() => baseImageFor(env.versions.cuda, bases), env.id).not.toThrow();
    }
    for (const target of bake.targets.filter((t) => t.args.BASE_IMAGE !== undefined)) {
      const groups = IMAGE_REFERENCE.exec(target.args.BASE_IMAGE ?? '')?.groups;
      expect(
        groups?.digest !== undefined || /\d+\.\d+\.\d+/.test(groups?.tag ?? ''),
        `${target.name}: ${target.args.BASE_IMAGE}`,
      ).toBe(true);
    }
    for (const [cuda, image] of Object.entries(bases.cuda)) {
      expect(image).toMatch(
        new RegExp(`^nvidia/cuda:${cuda.replace('.', '\\.')}\\.\\d+-runtime-ubuntu\\d+\\.\\d+$`),
      );
    }
  });

  it('keeps the Dockerfiles’ example defaults on images the matrix really builds', () => {
    const base = parseDockerfile(readFileSync(join(REPO_ROOT, DOCKERFILES.base), 'utf8'));
    expect(base.globalArgs.get('BASE_IMAGE')).toBe(bases.cpu);
    const baseTags = bake.targets.filter((t) => t.dockerfile === DOCKERFILES.base).flatMap((t) => t.tags);
    for (const kind of ['tensorflow', 'pytorch', 'xgboost'] as const) {
      const layer = parseDockerfile(readFileSync(join(REPO_ROOT, DOCKERFILES[kind]), 'utf8'));
      expect(baseTags, kind).toContain(layer.globalArgs.get('NOTEBOOK_BASE'));
    }
  });
});

describe('the KubeSpawner profiles hub-proxy serves', () => {
  const profiles = toProfileList(offeredCatalog(catalog));

  it('name exactly the offered catalog images, each built by the matrix', () => {
    const images = profiles.map((p) => p.kubespawner_override.image);
    expect(images).toEqual(offeredCatalog(catalog).environments.map((e) => e.image));
    const built = new Set(bake.targets.flatMap((t) => t.tags));
    for (const image of images) expect(built.has(image ?? ''), image).toBe(true);
  });

  it("carry each GPU type's tolerations, in the profile and in every GPU-type choice", () => {
    const gpuProfiles = profiles.filter((p) => p.profile_options);
    expect(gpuProfiles.map((p) => p.slug)).toEqual(
      catalog.environments.filter((e) => e.gpu).map((e) => e.id),
    );
    for (const profile of gpuProfiles) {
      const env = catalog.environments.find((e) => e.id === profile.slug);
      const [defaultType] = env?.gpu?.types ?? [];
      expect(profile.kubespawner_override.tolerations, profile.slug).toEqual(
        tolerationsOf(catalog, defaultType),
      );
      const choices = profile.profile_options?.gpu_type?.choices ?? {};
      expect(Object.keys(choices)).toEqual(env?.gpu?.types);
      for (const [type, choice] of Object.entries(choices)) {
        const tolerations = tolerationsOf(catalog, type);
        expect(tolerations.length, `${type} has tolerations in the shipped catalog`).toBeGreaterThan(0);
        expect(choice.kubespawner_override.tolerations, `${profile.slug}/${type}`).toEqual(tolerations);
      }
    }
  });
});

describe('the notebook images', () => {
  it('pin the JupyterHub, JupyterLab, papermill and ipykernel of the project venv', () => {
    const pins = (path: string) =>
      new Map(
        readFileSync(join(REPO_ROOT, path), 'utf8')
          .split('\n')
          .map((line) => /^([A-Za-z0-9_.-]+)==(\S+)/.exec(line.trim()))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1]?.toLowerCase(), m[2]]),
      );
    const image = pins('images/notebook/base/requirements.txt');
    const venv = pins('requirements.txt');
    expect([...image.keys()].sort()).toEqual(['ipykernel', 'jupyterhub', 'jupyterlab', 'papermill']);
    for (const [name, version] of image) expect(version, name).toBe(venv.get(name));
  });

  it("put users' conda environments and package cache on the z2jh home volume, and run as its uid", () => {
    const condarc = parseYaml(readFileSync(join(REPO_ROOT, 'images/notebook/base/condarc.yaml'), 'utf8')) as {
      envs_dirs: string[];
      pkgs_dirs: string[];
      channels: string[];
    };
    const z2jh = parseYaml(readFileSync(join(REPO_ROOT, 'helm/z2jh-values.yaml'), 'utf8')) as {
      singleuser: { uid: number; fsGid: number; storage: { homeMountPath: string } };
    };
    const home = z2jh.singleuser.storage.homeMountPath;
    expect(home).toBe('/home/jovyan');
    expect(condarc.envs_dirs).toEqual([`${home}/.conda/envs`]);
    expect(condarc.pkgs_dirs).toEqual([`${home}/.conda/pkgs`]);
    expect(condarc.channels).toEqual(['conda-forge']);

    const base = readFileSync(join(REPO_ROOT, DOCKERFILES.base), 'utf8');
    expect(base).toContain('COPY images/notebook/base/condarc.yaml /etc/conda/.condarc');
    expect(base).toMatch(
      new RegExp(`useradd [^\\n]*--uid ${z2jh.singleuser.uid} --gid ${z2jh.singleuser.fsGid}`),
    );
    for (const file of Object.values(DOCKERFILES).filter((f) => f.startsWith('images/notebook/'))) {
      const users = parseDockerfile(readFileSync(join(REPO_ROOT, file), 'utf8'))
        .instructions.filter((i) => i.keyword === 'USER')
        .map((i) => i.args);
      expect(users.at(-1), file).toBe(String(z2jh.singleuser.uid));
    }
  });
});

describe('scripts/generate-bake.ts refuses what it cannot build', () => {
  const services = { hubProxyImage: 'ghcr.io/x/hub-proxy:1.0.0', runnerImage: 'ghcr.io/x/runner:1.0.0' };
  const edited = (edit: (c: Catalog) => void): Catalog => {
    const copy = structuredClone(catalog);
    edit(copy);
    return copy;
  };
  const gpuEnv = (c: Catalog) => c.environments.find((e) => e.id === 'tf-2.21-cuda12.5');

  it('names the environment whose CUDA line has no base image', () => {
    const { '12.5': _dropped, ...cuda } = bases.cuda;
    expect(() => bakeMatrix(catalog, table, { ...bases, cuda }, services)).toThrow(
      /environments\[tf-2\.21-cuda12\.5\]\.versions\.cuda 12\.5: images\/notebook\/base-images\.yaml has no CUDA image/,
    );
  });

  it('names a framework no image layer installs', () => {
    const withJax = edited((c) => {
      const env = gpuEnv(c);
      if (env) env.versions.frameworks.jax = '0.7.2';
    });
    expect(() => bakeMatrix(withJax, table, bases, services)).toThrow(
      /environments\[tf-2\.21-cuda12\.5\]\.versions\.frameworks: no image layer installs jax/,
    );
  });

  it('refuses an image pinned only by digest (there is no tag to build)', () => {
    const byDigest = edited((c) => {
      const env = gpuEnv(c);
      if (env) env.image = `ghcr.io/turing-platform/tf@sha256:${'a'.repeat(64)}`;
    });
    expect(() => bakeMatrix(byDigest, table, bases, services)).toThrow(/tf-2\.21-cuda12\.5.*no tag to build/);
  });

  it('builds an image pinned by tag and digest under its tag', () => {
    const pinned = edited((c) => {
      const env = gpuEnv(c);
      if (env) env.image = `${env.image}@sha256:${'b'.repeat(64)}`;
    });
    const target = bakeMatrix(pinned, table, bases, services).targets.find(
      (t) => t.name === targetName('tf-2.21-cuda12.5'),
    );
    expect(target?.tags).toEqual([gpuEnv(catalog)?.image]);
  });
});

// ---- helpers ----------------------------------------------------------------------

function baseImageFor(cuda: string | undefined, images: BaseImages): string {
  if (cuda === undefined) return images.cpu;
  const image = images.cuda[cuda.split('.').slice(0, 2).join('.')];
  if (!image) throw new Error(`no CUDA image for ${cuda}`);
  return image;
}

function tolerationsOf(c: Catalog, type: string | undefined) {
  return (type ? (c.gpuTypes[type]?.tolerations ?? []) : []).map((t) => ({ ...t }));
}
