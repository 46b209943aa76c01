import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog-schema.js';
import { loadCatalog } from './load-catalog.js';
import { mergeOverrides, resolveServerOptions, toProfileList } from './profile-list.js';
import type { Profile } from './profile-schema.js';

const catalog = loadCatalog();
const profiles = toProfileList(catalog);
const profile = (slug: string): Profile => {
  const found = profiles.find((p) => p.slug === slug);
  if (!found) throw new Error(`no profile ${slug}`);
  return found;
};

describe('toProfileList', () => {
  it('has one profile per environment, slug = id, and exactly one default', () => {
    expect(profiles.map((p) => p.slug)).toEqual(catalog.environments.map((e) => e.id));
    expect(profiles.filter((p) => p.default).map((p) => p.slug)).toEqual(['cpu-base']);
  });

  it('sets image, CPU and memory in the forms KubeSpawner traits accept', () => {
    expect(profile('tf-2.16-cuda12.3').kubespawner_override).toMatchObject({
      image: 'ghcr.io/turing-platform/tf-2.16-cuda12.3:2.16.1-cudnn8.9-py3.11',
      cpu_guarantee: 4,
      cpu_limit: 16,
      mem_guarantee: '16G',
      mem_limit: '64G',
    });
  });

  it('gives a TensorFlow GPU environment a gpus option whose choice "2" limits nvidia.com/gpu to "2"', () => {
    const gpus = profile('tf-2.16-cuda12.3').profile_options?.gpus;
    expect(Object.keys(gpus?.choices ?? {})).toEqual(['1', '2', '4']);
    expect(gpus?.choices['1']?.default).toBe(true);
    expect(gpus?.choices['2']?.kubespawner_override).toEqual({
      extra_resource_limits: { 'nvidia.com/gpu': '2' },
    });
    expect(gpus?.unlisted_choice).toEqual({ enabled: false });
  });

  it('gives a gpu_type option that picks the node selector and tolerations', () => {
    const types = profile('torch-2.7-cuda12.6').profile_options?.gpu_type;
    expect(Object.keys(types?.choices ?? {})).toEqual(['a100', 't4']);
    expect(types?.choices.a100?.default).toBe(true);
    expect(types?.choices.t4?.kubespawner_override).toEqual({
      node_selector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  it('puts the default choices in the profile override, so the profile alone is a whole GPU pod', () => {
    expect(profile('tf-2.14-cuda11.8').kubespawner_override).toMatchObject({
      extra_resource_limits: { 'nvidia.com/gpu': '1' },
      node_selector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  it('clears GPU settings on CPU profiles and has no options there', () => {
    const cpu = profile('cpu-base');
    expect(cpu.profile_options).toBeUndefined();
    expect(cpu.kubespawner_override.extra_resource_limits).toEqual({ 'nvidia.com/gpu': null });
    expect(cpu.kubespawner_override.node_selector).toEqual({ 'nvidia.com/gpu.product': null });
    expect(cpu.kubespawner_override.tolerations).toBeUndefined();
  });

  it('HTML-escapes display text, which KubeSpawner renders raw and JupyterHub renders as Jinja', () => {
    const doc: Catalog = structuredClone(catalog);
    const env = doc.environments[0];
    if (!env) throw new Error('empty catalog');
    env.displayName = '<b>CPU</b> & {{ user }}';
    expect(toProfileList(doc)[0]?.display_name).toBe(
      '&lt;b&gt;CPU&lt;/b&gt; &amp; &#123;&#123; user &#125;&#125;',
    );
  });

  it('lists the versions in the description', () => {
    expect(profile('torch-2.7-cuda12.6').description).toMatch(
      /Versions: Python 3\.12, CUDA 12\.6, cuDNN 9\.5, torch 2\.7\.1, torchvision 0\.22\.1, torchaudio 2\.7\.1\.$/,
    );
  });
});

describe('resolveServerOptions', () => {
  it('resolves a GPU selection to string user_options and the merged override', () => {
    const result = resolveServerOptions(catalog, { profile: 'tf-2.16-cuda12.3', gpus: 2, gpu_type: 'a100' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.userOptions).toEqual({ profile: 'tf-2.16-cuda12.3', gpus: '2', gpu_type: 'a100' });
    expect(result.value.override).toMatchObject({
      image: 'ghcr.io/turing-platform/tf-2.16-cuda12.3:2.16.1-cudnn8.9-py3.11',
      extra_resource_limits: { 'nvidia.com/gpu': '2' },
      node_selector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
    });
  });

  it('takes defaults like KubeSpawner: the default profile, the first count and type', () => {
    const none = resolveServerOptions(catalog, {});
    expect(none.ok && none.value.environment.id).toBe('cpu-base');
    // As recursive_update leaves it: the cleared GPU limit is an empty dict, not absent.
    expect(none.ok && none.value.override.extra_resource_limits).toEqual({});
    const gpu = resolveServerOptions(catalog, { profile: 'torch-2.7-cuda12.6' });
    expect(gpu.ok && gpu.value.userOptions).toEqual({
      profile: 'torch-2.7-cuda12.6',
      gpus: '1',
      gpu_type: 'a100',
    });
  });

  it('names each bad field', () => {
    expect(resolveServerOptions(catalog, { profile: 'tf-9' })).toEqual({
      ok: false,
      errors: [
        {
          field: 'profile',
          message:
            'unknown environment "tf-9"; choose cpu-base, xgboost-cpu, xgboost-3.4-cpu, tf-2.14-cuda11.8, tf-2.16-cuda12.3, tf-2.21-cuda12.5, torch-2.7-cuda12.6 or torch-2.15-cuda13.2',
        },
      ],
    });
    expect(
      resolveServerOptions(catalog, { profile: 'tf-2.14-cuda11.8', gpus: '4', gpu_type: 'h100' }),
    ).toEqual({
      ok: false,
      errors: [
        { field: 'gpus', message: 'tf-2.14-cuda11.8 offers 1 or 2 GPUs, not 4' },
        { field: 'gpu_type', message: 'tf-2.14-cuda11.8 runs on GPU type t4 or a100, not "h100"' },
      ],
    });
    expect(resolveServerOptions(catalog, { profile: 'cpu-base', gpus: 1 })).toEqual({
      ok: false,
      errors: [{ field: 'gpus', message: 'cpu-base is CPU only; it takes no GPUs' }],
    });
    expect(resolveServerOptions(catalog, { profile: 'tf-2.16-cuda12.3', gpus: '1.5' })).toEqual({
      ok: false,
      errors: [{ field: 'gpus', message: 'must be a whole number of GPUs, not "1.5"' }],
    });
  });

  it('accepts gpus 0 on a CPU environment', () => {
    expect(resolveServerOptions(catalog, { profile: 'xgboost-cpu', gpus: 0 }).ok).toBe(true);
  });
});

describe('mergeOverrides', () => {
  it("follows kubespawner's recursive_update: dicts merge, null deletes, lists replace", () => {
    expect(
      mergeOverrides(
        { node_selector: { a: '1', b: '2' }, tolerations: [{ key: 'x' }] },
        { node_selector: { a: null, c: '3' }, tolerations: [{ key: 'y' }] },
      ),
    ).toEqual({ node_selector: { b: '2', c: '3' }, tolerations: [{ key: 'y' }] });
  });
});

// The real KubeSpawner 7 from the project venv loads the rendered profile_list.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PYTHON = join(REPO_ROOT, '.venv/bin/python');

const KUBESPAWNER_CHECK = String.raw`
import asyncio, json, sys
from kubespawner import KubeSpawner

profile_list = json.load(sys.stdin)

def pod(spawner, manifest):
    c = manifest.spec.containers[0]
    return {
        "image": c.image,
        "requests": {k: str(v) for k, v in (c.resources.requests or {}).items()},
        "limits": {k: str(v) for k, v in (c.resources.limits or {}).items()},
        "node_selector": manifest.spec.node_selector or {},
        "tolerations": [
            {"key": t.key, "operator": t.operator, "effect": t.effect}
            for t in (manifest.spec.tolerations or [])
            if t.key == "nvidia.com/gpu"
        ],
    }

async def start(spawner, user_options):
    spawner.user_options = user_options
    await spawner.load_user_options()
    return pod(spawner, await spawner.get_pod_manifest())

async def main():
    out = {}
    spawner = KubeSpawner(_mock=True)
    spawner.profile_list = profile_list
    form = spawner.options_form
    out["form_has_every_slug"] = all(('value="%s"' % p["slug"]) in form for p in profile_list)
    for profile in profile_list:
        slug = profile["slug"]
        out[slug] = await start(KubeSpawner(_mock=True, profile_list=profile_list), {"profile": slug})
        for count in profile.get("profile_options", {}).get("gpus", {}).get("choices", {}):
            for gpu_type in profile["profile_options"]["gpu_type"]["choices"]:
                fresh = KubeSpawner(_mock=True, profile_list=profile_list)
                out["%s/%s/%s" % (slug, count, gpu_type)] = await start(
                    fresh, {"profile": slug, "gpus": count, "gpu_type": gpu_type}
                )
    # One spawner, restarted into another profile, as JupyterHub does.
    reused = KubeSpawner(_mock=True, profile_list=profile_list)
    await start(reused, {"profile": "tf-2.16-cuda12.3", "gpus": "4", "gpu_type": "a100"})
    out["reused-then-cpu"] = await start(reused, {"profile": "cpu-base"})
    json.dump(out, sys.stdout)

asyncio.run(main())
`;

describe.skipIf(!existsSync(PYTHON))('KubeSpawner 7 accepts the rendered profile_list', () => {
  it('builds the pods the catalog describes, for every profile and choice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'turing-kubespawner-'));
    try {
      // KubeSpawner loads a kube config at construction; it never connects here.
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: mock',
          'clusters: [{name: mock, cluster: {server: "https://127.0.0.1:9"}}]',
          'users: [{name: mock, user: {token: mock}}]',
          'contexts: [{name: mock, context: {cluster: mock, user: mock}}]',
        ].join('\n'),
      );
      const run = spawnSync(PYTHON, ['-c', KUBESPAWNER_CHECK], {
        input: JSON.stringify(profiles),
        env: { ...process.env, KUBECONFIG: kubeconfig },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const pods = JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

      expect(pods.form_has_every_slug).toBe(true);
      expect(pods['cpu-base']).toEqual({
        image: 'ghcr.io/turing-platform/cpu-base:2025.06-py3.11',
        requests: { cpu: '1.0', memory: String(2 * 2 ** 30) },
        limits: { cpu: '4.0', memory: String(8 * 2 ** 30) },
        node_selector: {},
        tolerations: [],
      });
      expect(pods['tf-2.16-cuda12.3']).toMatchObject({
        limits: { 'nvidia.com/gpu': '1' },
        node_selector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      });
      expect(pods['tf-2.16-cuda12.3/2/a100']).toMatchObject({
        image: 'ghcr.io/turing-platform/tf-2.16-cuda12.3:2.16.1-cudnn8.9-py3.11',
        limits: { 'nvidia.com/gpu': '2' },
        node_selector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
      });

      // Every combination KubeSpawner builds matches what resolveServerOptions predicts.
      for (const env of catalog.environments) {
        for (const count of env.gpu?.counts ?? []) {
          for (const type of env.gpu?.types ?? []) {
            const resolved = resolveServerOptions(catalog, { profile: env.id, gpus: count, gpu_type: type });
            if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
            const built = pods[`${env.id}/${count}/${type}`];
            expect(built.image).toBe(resolved.value.override.image);
            expect(built.limits['nvidia.com/gpu']).toBe(String(count));
            expect(built.node_selector).toEqual(resolved.value.override.node_selector);
          }
        }
      }

      // Restarting a GPU server into a CPU profile drops the GPU limit and selector.
      expect(pods['reused-then-cpu'].limits['nvidia.com/gpu']).toBeUndefined();
      expect(pods['reused-then-cpu'].node_selector).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // KubeSpawner builds a pod per profile and choice (the child's own limit is 60 s).
  }, 60_000);
});
