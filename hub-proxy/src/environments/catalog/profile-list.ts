import type { FieldError } from '../../errors/index.js';
import { defaultEnvironment, type Catalog, type Environment } from './catalog-schema.js';
import { gpuPlacementOf } from './gpu-placement.js';
import type { KubeSpawnerOverride, Profile } from './profile-schema.js';
import { parseQuantity, toKubeSpawnerBytes } from '../../k8s/quantity.js';

/**
 * The catalog as KubeSpawner 7's `profile_list`, and the reverse: which
 * environment and overrides a set of user options selects.
 *
 * KubeSpawner semantics this follows (kubespawner/spawner.py, 7.x):
 * - `user_options` select a profile by `{"profile": slug}` and each option by
 *   `{"<option>": "<choice key>"}`. Choice keys are strings.
 * - A missing option takes the choice marked `default`, else the first; a
 *   missing profile takes the profile marked `default`, else the first.
 * - Overrides apply profile first, then each option's choice in order. Dict
 *   traits (`node_selector`, `extra_resource_limits`) are merged recursively
 *   and a `null` value deletes its key; everything else (`tolerations`, a
 *   list) is replaced.
 * - The merge mutates the spawner's own dicts, and JupyterHub keeps one
 *   spawner per server across restarts, so a GPU selection would outlive a
 *   switch back to a CPU profile. Every profile therefore clears (`null`) the
 *   GPU resources and GPU node-selector keys it does not set. Tolerations are
 *   only set by GPU choices (a list replaces the hub's configured list), so a
 *   CPU profile keeps whatever tolerations the spawner last had; they only
 *   permit nodes, and the cleared selector no longer picks a GPU node.
 * - `mem_*` are ByteSpecification (suffixes K/M/G/T, powers of 1024; `Gi` is
 *   rejected) and `cpu_*` are floats.
 * - Text is rendered into the spawn form without escaping and the form is then
 *   rendered again as a Jinja template, so display text is HTML-escaped here.
 */

/** The option that picks how many GPUs; choice keys are the counts ("1", "2", ...). */
export const GPU_COUNT_OPTION = 'gpus';
/** The option that picks the GPU node type; choice keys are `gpuTypes` ids. */
export const GPU_TYPE_OPTION = 'gpu_type';

/**
 * Renders the catalog as a KubeSpawner 7 `profile_list`: one profile per
 * environment (slug = id). GPU environments get a `gpus` option (one choice
 * per allowed count) and a `gpu_type` option (node selector and tolerations
 * per GPU type). The profile's own override already holds the default
 * choices, so it is a complete pod on its own, and it clears the GPU settings
 * it does not use (see the note on spawner reuse above).
 */
export function toProfileList(catalog: Catalog): Profile[] {
  const preselected = defaultEnvironment(catalog).id;
  return catalog.environments.map((env) => {
    const profile: Profile = {
      display_name: html(env.displayName),
      slug: env.id,
      description: html(describe(env)),
      kubespawner_override: profileOverride(catalog, env),
    };
    if (env.id === preselected) profile.default = true;
    if (env.gpu) {
      const gpu = env.gpu;
      profile.profile_options = {
        [GPU_COUNT_OPTION]: {
          display_name: 'GPUs',
          choices: Object.fromEntries(
            gpu.counts.map((count, i) => [
              String(count),
              {
                display_name: count === 1 ? '1 GPU' : `${count} GPUs`,
                ...(i === 0 ? { default: true } : {}),
                kubespawner_override: gpuCountOverride(env, count),
              },
            ]),
          ),
          unlisted_choice: { enabled: false },
        },
        [GPU_TYPE_OPTION]: {
          display_name: 'GPU type',
          choices: Object.fromEntries(
            gpu.types.map((type, i) => [
              type,
              {
                display_name: html(catalog.gpuTypes[type]?.displayName ?? type),
                ...(i === 0 ? { default: true } : {}),
                kubespawner_override: gpuTypeOverride(catalog, type),
              },
            ]),
          ),
          unlisted_choice: { enabled: false },
        },
      };
    }
    return profile;
  });
}

/** What a user asks for: JupyterHub `user_options`, or the API's switch body. */
export interface ServerOptionsInput {
  /** Environment id (the profile slug). Absent: the default environment. */
  profile?: string | undefined;
  /** GPU count. Absent: the environment's default count (0 on CPU-only). */
  gpus?: number | string | undefined;
  /** GPU type id. Absent: the environment's default type. */
  gpu_type?: string | undefined;
}

/** A valid selection, resolved the way KubeSpawner will resolve it. */
export interface ResolvedServerOptions {
  environment: Environment;
  /** 0 on a CPU-only environment. */
  gpus: number;
  gpuType: string | undefined;
  /** The `user_options` to start the server with; every value a choice key. */
  userOptions: Record<string, string>;
  /** The settings KubeSpawner ends up with for these options, starting from a fresh spawner. */
  override: KubeSpawnerOverride;
}

export type ResolveResult = { ok: true; value: ResolvedServerOptions } | { ok: false; errors: FieldError[] };

/**
 * Validates a selection against the catalog and resolves it to the overrides
 * KubeSpawner will apply. Unlike KubeSpawner, which fails with a KeyError on
 * an unknown choice, this names the bad field (`profile`, `gpus`, `gpu_type`).
 */
export function resolveServerOptions(catalog: Catalog, input: ServerOptionsInput): ResolveResult {
  const ids = catalog.environments.map((e) => e.id);
  const env =
    input.profile === undefined || input.profile === ''
      ? defaultEnvironment(catalog)
      : catalog.environments.find((e) => e.id === input.profile);
  if (!env) {
    return fail('profile', `unknown environment "${input.profile}"; choose ${orList(ids)}`);
  }
  const requested = input.gpus === undefined || input.gpus === '' ? undefined : Number(input.gpus);
  if (requested !== undefined && !Number.isInteger(requested)) {
    return fail(GPU_COUNT_OPTION, `must be a whole number of GPUs, not "${input.gpus}"`);
  }

  if (!env.gpu) {
    const errors: FieldError[] = [];
    if (requested !== undefined && requested !== 0) {
      errors.push({ field: GPU_COUNT_OPTION, message: `${env.id} is CPU only; it takes no GPUs` });
    }
    if (input.gpu_type !== undefined && input.gpu_type !== '') {
      errors.push({ field: GPU_TYPE_OPTION, message: `${env.id} is CPU only; it takes no GPU type` });
    }
    if (errors.length > 0) return { ok: false, errors };
    return {
      ok: true,
      value: {
        environment: env,
        gpus: 0,
        gpuType: undefined,
        userOptions: { profile: env.id },
        override: mergeOverrides({}, profileOverride(catalog, env)),
      },
    };
  }

  const { counts, types } = env.gpu;
  const errors: FieldError[] = [];
  const gpus = requested ?? counts[0] ?? 1;
  if (!counts.includes(gpus)) {
    errors.push({
      field: GPU_COUNT_OPTION,
      message: `${env.id} offers ${orList(counts.map(String))} GPUs, not ${gpus}`,
    });
  }
  const gpuType = input.gpu_type === undefined || input.gpu_type === '' ? types[0] : input.gpu_type;
  if (gpuType === undefined || !types.includes(gpuType)) {
    errors.push({
      field: GPU_TYPE_OPTION,
      message: `${env.id} runs on GPU type ${orList(types)}, not "${gpuType}"`,
    });
  }
  if (errors.length > 0 || gpuType === undefined) return { ok: false, errors };

  // Exactly KubeSpawner's order: the profile, then each option's choice.
  const override = [gpuCountOverride(env, gpus), gpuTypeOverride(catalog, gpuType)].reduce(
    mergeOverrides,
    mergeOverrides({}, profileOverride(catalog, env)),
  );
  return {
    ok: true,
    value: {
      environment: env,
      gpus,
      gpuType,
      userOptions: { profile: env.id, [GPU_COUNT_OPTION]: String(gpus), [GPU_TYPE_OPTION]: gpuType },
      override,
    },
  };
}

/**
 * Applies `next` over `base` the way KubeSpawner's `_apply_overrides` does:
 * plain objects merge recursively (a `null` value removes the key), anything
 * else replaces.
 */
export function mergeOverrides(base: KubeSpawnerOverride, next: KubeSpawnerOverride): KubeSpawnerOverride {
  return mergeRecords(
    base as Record<string, unknown>,
    next as Record<string, unknown>,
  ) as KubeSpawnerOverride;
}

/** kubespawner.utils.recursive_update, without mutating its inputs. */
function mergeRecords(base: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(next)) {
    const current = out.get(key);
    if (isPlainObject(value)) out.set(key, mergeRecords(isPlainObject(current) ? current : {}, value));
    else if (value === null) out.delete(key);
    else out.set(key, value);
  }
  return Object.fromEntries(out);
}

/** Lays `next` over `base` for rendering, keeping `null`s (they mean "delete" to KubeSpawner). */
function overlay(base: KubeSpawnerOverride, next: KubeSpawnerOverride): KubeSpawnerOverride {
  const out: KubeSpawnerOverride = { ...base, ...next };
  if (base.node_selector || next.node_selector) {
    out.node_selector = { ...base.node_selector, ...next.node_selector };
  }
  if (base.extra_resource_limits || next.extra_resource_limits) {
    out.extra_resource_limits = { ...base.extra_resource_limits, ...next.extra_resource_limits };
  }
  return out;
}

function profileOverride(catalog: Catalog, env: Environment): KubeSpawnerOverride {
  const { cpu, memory } = env.resources;
  let override: KubeSpawnerOverride = {
    image: env.image,
    cpu_guarantee: cores(cpu.default),
    cpu_limit: cores(cpu.max),
    mem_guarantee: toKubeSpawnerBytes(bytes(memory.default)),
    mem_limit: toKubeSpawnerBytes(bytes(memory.max)),
    ...gpuResets(catalog),
  };
  const [count] = env.gpu?.counts ?? [];
  const [type] = env.gpu?.types ?? [];
  if (count !== undefined) override = overlay(override, gpuCountOverride(env, count));
  if (type !== undefined) override = overlay(override, gpuTypeOverride(catalog, type));
  return override;
}

/** `null` for every GPU resource and GPU node-selector key the catalog uses. */
function gpuResets(catalog: Catalog): KubeSpawnerOverride {
  const resources = new Set(catalog.environments.flatMap((e) => (e.gpu ? [e.gpu.resource] : [])));
  const labels = new Set(Object.values(catalog.gpuTypes).flatMap((t) => Object.keys(t.nodeSelector)));
  const resets: KubeSpawnerOverride = {};
  if (labels.size > 0) resets.node_selector = Object.fromEntries([...labels].map((k) => [k, null]));
  if (resources.size > 0)
    resets.extra_resource_limits = Object.fromEntries([...resources].map((r) => [r, null]));
  return resets;
}

function gpuCountOverride(env: Environment, count: number): KubeSpawnerOverride {
  return env.gpu ? { extra_resource_limits: { [env.gpu.resource]: String(count) } } : {};
}

/** The GPU type's node selector (clearing other types' keys) and tolerations. */
function gpuTypeOverride(catalog: Catalog, type: string): KubeSpawnerOverride {
  if (!catalog.gpuTypes[type]) return {};
  // The same placement job and model pods get (gpu-placement.ts).
  const { nodeSelector, tolerations } = gpuPlacementOf(catalog, type);
  return { node_selector: { ...gpuResets(catalog).node_selector, ...nodeSelector }, tolerations };
}

/** The description, followed by the versions users choose an environment for. */
function describe(env: Environment): string {
  const { python, cuda, cudnn, frameworks } = env.versions;
  const parts = [`Python ${python}`];
  if (cuda) parts.push(`CUDA ${cuda}`);
  if (cudnn) parts.push(`cuDNN ${cudnn}`);
  for (const [name, version] of Object.entries(frameworks)) parts.push(`${name} ${version}`);
  return `${env.description} Versions: ${parts.join(', ')}.`;
}

function cores(quantity: string): number {
  return parseQuantity(quantity) ?? 0;
}

function bytes(quantity: string): number {
  return parseQuantity(quantity) ?? 0;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '{': '&#123;',
  '}': '&#125;',
};

/** Safe in KubeSpawner's unescaped form, and inert when JupyterHub renders it as Jinja. */
function html(text: string): string {
  return text.replace(/[&<>"'{}]/g, (c) => HTML_ESCAPES[c] ?? c);
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function fail(field: string, message: string): ResolveResult {
  return { ok: false, errors: [{ field, message }] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
