import type {
  CreateModelRequest,
  ModelAccess,
  ModelFormat,
  ModelRuntimeChoice,
  ModelView,
  PublishRollout,
  ServingRuntime,
  UpdateModelRequest,
} from '@turing/client';
import type { FieldErrors } from '@turing/ui';

import type { Translate } from './model-format';
import { formatLabel } from './model-format';
import { describeModelNameProblem, validateModelName } from './model-name';
import type { PublishSettings } from './settings';

/**
 * The Publish dialog's form: what the user typed (numbers stay text until
 * submitted, so a half-typed value is not rewritten), its checks, and the
 * request bodies built from it.
 */

/** Who may call the model: only its owner, or also named users and groups. */
export type AccessChoice = 'owner' | 'named';

/** What happens to traffic when a version of a serving model is published. */
export type RolloutChoice = 'canary' | 'replace' | 'none';

/** The Publish dialog's values. */
export interface PublishForm {
  name: string;
  /** {@link runtimeKey} of the chosen runtime, `''` when none. */
  runtime: string;
  replicasMin: string;
  replicasMax: string;
  cpu: string;
  memory: string;
  gpu: string;
  access: AccessChoice;
  /** Comma- or space-separated hub user names. */
  users: string;
  /** Comma- or space-separated hub group names. */
  groups: string;
  apiKeys: boolean;
  rollout: RolloutChoice;
  canaryPercent: string;
}

/** The form's field keys, for errors shown next to their field. */
export type PublishField = keyof Omit<PublishForm, 'apiKeys'> | 'source';

/** A runtime's identity in a `<select>`: kind, version and CPU/GPU. */
export function runtimeKey(runtime: ModelRuntimeChoice): string {
  return `${runtime.kind}:${runtime.version}:${runtime.gpu ? 'gpu' : 'cpu'}`;
}

/** The catalog's runtimes that serve `format`. */
export function runtimesFor(runtimes: readonly ServingRuntime[], format: ModelFormat): ServingRuntime[] {
  return runtimes.filter((r) => r.formats.includes(format));
}

/** The preselected runtime for `format`: the catalog's default among those serving it, else the first. */
export function defaultRuntime(
  runtimes: readonly ServingRuntime[],
  format: ModelFormat,
): ServingRuntime | undefined {
  const serving = runtimesFor(runtimes, format);
  return serving.find((r) => r.default) ?? serving[0];
}

/** The form for a new model named `name` serving `format`. */
export function newPublishForm(
  name: string,
  runtimes: readonly ServingRuntime[],
  format: ModelFormat,
  settings: PublishSettings,
): PublishForm {
  const runtime = defaultRuntime(runtimes, format);
  return {
    name,
    runtime: runtime ? runtimeKey(runtime) : '',
    replicasMin: String(settings.defaultReplicasMin),
    replicasMax: String(settings.defaultReplicasMax),
    cpu: settings.defaultCpu,
    memory: settings.defaultMemory,
    gpu: runtime?.gpu ? '1' : '0',
    access: 'owner',
    users: '',
    groups: '',
    apiKeys: false,
    rollout: 'canary',
    canaryPercent: String(settings.defaultCanaryPercent),
  };
}

/** The form with an existing model's serving settings (publishing adds its next version). */
export function withModelSettings(form: PublishForm, model: ModelView): PublishForm {
  const { access } = model;
  return {
    ...form,
    runtime: runtimeKey(model.runtime),
    replicasMin: String(model.replicas.min),
    replicasMax: String(model.replicas.max),
    cpu: model.resources.cpu,
    memory: model.resources.memory,
    gpu: String(model.resources.gpu),
    access: access.users.length > 0 || access.groups.length > 0 ? 'named' : 'owner',
    users: access.users.join(', '),
    groups: access.groups.join(', '),
    apiKeys: access.apiKeys,
  };
}

/** The form after choosing a runtime: a GPU runtime asks for at least one GPU, a CPU runtime for none. */
export function withRuntime(form: PublishForm, runtime: ServingRuntime | undefined): PublishForm {
  if (!runtime) {
    return { ...form, runtime: '' };
  }
  const gpus = Number(form.gpu);
  const gpu = runtime.gpu ? (gpus >= 1 ? form.gpu : '1') : '0';
  return { ...form, runtime: runtimeKey(runtime), gpu };
}

/** Names from a comma- or space-separated list, once each. */
export function splitNames(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((n) => n !== ''))];
}

const CPU_QUANTITY = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY_QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;

function integerIn(text: string, min: number, max: number): number | undefined {
  const value = Number(text.trim());
  return /^\d+$/.test(text.trim()) && value >= min && value <= max ? value : undefined;
}

/** The most replicas the dialog offers. */
export const MAX_REPLICAS = 100;

function add(errors: FieldErrors, field: PublishField, message: string): void {
  (errors[field] ??= []).push(message);
}

/** What the checks need besides the form. */
export interface PublishContext {
  /** The format of the files being published. */
  format: ModelFormat;
  /** The catalog's runtimes serving that format; `null` while loading. */
  runtimes: readonly ServingRuntime[] | null;
  /** The caller's model of that name, when publishing adds a version to it. */
  existing?: ModelView;
}

/** The problems of the form, by field (empty when it can be sent). */
export function validatePublishForm(form: PublishForm, ctx: PublishContext, trans: Translate): FieldErrors {
  const errors: FieldErrors = {};
  const nameProblem = validateModelName(form.name);
  if (nameProblem) {
    add(errors, 'name', describeModelNameProblem(nameProblem, trans));
  } else if (ctx.existing && ctx.existing.format !== ctx.format) {
    add(
      errors,
      'name',
      trans.__(
        '"%1" serves %2 models and this is %3: choose another name.',
        ctx.existing.name,
        formatLabel(ctx.existing.format, trans),
        formatLabel(ctx.format, trans),
      ),
    );
  }
  const runtime = ctx.runtimes?.find((r) => runtimeKey(r) === form.runtime);
  if (ctx.runtimes && !runtime) {
    add(
      errors,
      'runtime',
      ctx.runtimes.length === 0
        ? trans.__(
            'No serving runtime of this installation serves %1 models.',
            formatLabel(ctx.format, trans),
          )
        : trans.__('Choose a serving runtime.'),
    );
  }
  const min = integerIn(form.replicasMin, 1, MAX_REPLICAS);
  const max = integerIn(form.replicasMax, 1, MAX_REPLICAS);
  if (min === undefined) {
    add(errors, 'replicasMin', trans.__('A whole number from 1 to %1.', MAX_REPLICAS));
  }
  if (max === undefined) {
    add(errors, 'replicasMax', trans.__('A whole number from 1 to %1.', MAX_REPLICAS));
  } else if (min !== undefined && max < min) {
    add(errors, 'replicasMax', trans.__('At least the minimum (%1).', min));
  }
  if (!CPU_QUANTITY.test(form.cpu.trim()) || Number.parseFloat(form.cpu) === 0) {
    add(errors, 'cpu', trans.__('A CPU amount such as 1, 0.5 or 500m.'));
  }
  if (!MEMORY_QUANTITY.test(form.memory.trim()) || Number.parseFloat(form.memory) === 0) {
    add(errors, 'memory', trans.__('A memory amount such as 1Gi or 512Mi.'));
  }
  const gpus = integerIn(form.gpu, 0, 16);
  if (gpus === undefined) {
    add(errors, 'gpu', trans.__('A whole number of GPUs from 0 to 16.'));
  } else if (runtime?.gpu && gpus === 0) {
    add(errors, 'gpu', trans.__('A GPU runtime needs at least one GPU.'));
  } else if (runtime && !runtime.gpu && gpus > 0) {
    add(errors, 'gpu', trans.__('Choose a GPU runtime to use GPUs.'));
  }
  if (form.access === 'named' && splitNames(form.users).length + splitNames(form.groups).length === 0) {
    add(errors, 'users', trans.__('Name at least one user or group, or choose "Only me".'));
  }
  if (
    ctx.existing?.traffic &&
    form.rollout === 'canary' &&
    integerIn(form.canaryPercent, 1, 99) === undefined
  ) {
    add(errors, 'canaryPercent', trans.__('A whole percentage from 1 to 99.'));
  }
  return errors;
}

/** The access rule the form describes. */
export function accessOf(form: PublishForm): ModelAccess {
  const named = form.access === 'named';
  return {
    users: named ? splitNames(form.users) : [],
    groups: named ? splitNames(form.groups) : [],
    apiKeys: form.apiKeys,
  };
}

/** The runtime choice of a catalog entry. */
export function runtimeChoice(runtime: ServingRuntime): ModelRuntimeChoice {
  return { kind: runtime.kind, version: runtime.version, gpu: runtime.gpu };
}

function resourcesOf(form: PublishForm): CreateModelRequest['resources'] {
  return { cpu: form.cpu.trim(), memory: form.memory.trim(), gpu: Number(form.gpu) };
}

/** The body of `POST /api/v1/models` for a valid form and its chosen runtime. */
export function createModelRequest(form: PublishForm, runtime: ServingRuntime): CreateModelRequest {
  return {
    name: form.name,
    runtime: runtimeChoice(runtime),
    replicas: { min: Number(form.replicasMin), max: Number(form.replicasMax) },
    resources: resourcesOf(form),
    access: accessOf(form),
  };
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The `PATCH` of an existing model for what the form changed (runtime,
 * replicas, resources, access), or `null` when nothing changed. Resources
 * keep the model's GPU type.
 */
export function updateModelPatch(
  form: PublishForm,
  model: ModelView,
  runtime: ServingRuntime,
): UpdateModelRequest | null {
  const patch: UpdateModelRequest = {};
  const choice = runtimeChoice(runtime);
  if (runtimeKey(choice) !== runtimeKey(model.runtime)) {
    patch.runtime = choice;
  }
  const replicas = { min: Number(form.replicasMin), max: Number(form.replicasMax) };
  if (!sameJson(replicas, { min: model.replicas.min, max: model.replicas.max })) {
    patch.replicas = replicas;
  }
  const resources = resourcesOf(form);
  const current = model.resources;
  if (resources.cpu !== current.cpu || resources.memory !== current.memory || resources.gpu !== current.gpu) {
    patch.resources =
      resources.gpu > 0 && current.gpuType ? { ...resources, gpuType: current.gpuType } : resources;
  }
  const access = accessOf(form);
  const was = model.access;
  const sorted = (names: string[]) => [...names].sort();
  if (
    access.apiKeys !== was.apiKeys ||
    !sameJson(sorted(access.users), sorted(was.users)) ||
    !sameJson(sorted(access.groups), sorted(was.groups))
  ) {
    patch.access = access;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

/**
 * The rollout of the published version: the first version of a model simply
 * serves (`replace`); a model already serving takes the form's choice.
 */
export function rolloutOf(form: PublishForm, existing: ModelView | undefined): PublishRollout {
  if (!existing?.traffic) {
    return { kind: 'replace' };
  }
  if (form.rollout === 'canary') {
    return { kind: 'canary', percent: Number(form.canaryPercent) };
  }
  return { kind: form.rollout };
}

/** The number the next version of `existing` will get (versions are integers, 1 first). */
export function nextVersionOf(existing: ModelView | undefined): number {
  return (existing?.versions ?? []).reduce((max, v) => Math.max(max, v.version), 0) + 1;
}
