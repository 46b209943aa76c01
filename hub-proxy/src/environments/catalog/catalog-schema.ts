import { z } from 'zod';
import { parseQuantity } from '../../k8s/quantity.js';

/**
 * The shape of `images/catalog.yaml`. This file checks each entry on its own;
 * {@link referenceProblems} checks what spans entries (unique ids, one
 * default, GPU type references), and `compatibility.ts` judges versions.
 */

/**
 * An image reference: `[registry[:port]/]path[:tag][@sha256:digest]`, with a
 * tag or a digest (or both). The grammar follows the distribution reference
 * spec (lowercase path components, tags up to 128 characters).
 */
export const IMAGE_REFERENCE =
  /^(?:(?<registry>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?)\/)?(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Environment and GPU type ids: usable as a profile slug and as a Kubernetes label value. */
const ID = /^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?$/;
const ID_MESSAGE =
  "must be 1-63 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit";

/** A Kubernetes label key (optional DNS-subdomain prefix, then a name). */
const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** An extended resource name such as `nvidia.com/gpu`. */
const RESOURCE_NAME = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });

const id = z.string().regex(ID, { error: ID_MESSAGE });

/** A dotted version. YAML turns unquoted `3.10` into the number 3.1, so insist on strings. */
function version(example: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? undefined
          : `must be a quoted string such as "${example}" (YAML reads an unquoted 3.10 as the number 3.1)`,
    })
    .regex(/^\d+(?:\.\d+){1,3}$/, { error: `must be a version such as "${example}"` });
}

/** A positive Kubernetes quantity; YAML numbers (`cpu: 2`) are accepted and kept as text. */
function quantity(examples: string) {
  return z.preprocess(
    (value) => (typeof value === 'number' ? String(value) : value),
    z.string().refine((text) => (parseQuantity(text) ?? 0) > 0, {
      error: `must be a positive Kubernetes quantity such as ${examples}`,
    }),
  );
}

function resourceRange(examples: string) {
  return z
    .strictObject({ default: quantity(examples), max: quantity(examples) })
    .superRefine((range, ctx) => {
      const low = parseQuantity(range.default);
      const high = parseQuantity(range.max);
      if (low !== undefined && high !== undefined && low > high) {
        ctx.addIssue({
          code: 'custom',
          path: ['default'],
          message: `${range.default} is more than the maximum ${range.max}`,
        });
      }
    });
}

/** A Kubernetes toleration, as it goes into a pod spec. */
export const tolerationSchema = z
  .strictObject({
    key: z.string().regex(LABEL_KEY, { error: 'must be a Kubernetes taint key' }).optional(),
    operator: z.enum(['Exists', 'Equal'], { error: 'must be "Exists" or "Equal"' }).optional(),
    value: z.string().regex(LABEL_VALUE, { error: 'must be a Kubernetes label value' }).optional(),
    effect: z
      .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], {
        error: 'must be "NoSchedule", "PreferNoSchedule" or "NoExecute"',
      })
      .optional(),
    tolerationSeconds: z.number().int({ error: 'must be a whole number of seconds' }).optional(),
  })
  .superRefine((toleration, ctx) => {
    if (toleration.operator === 'Exists' && toleration.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be empty when operator is "Exists"' });
    }
  });

/** A kind of GPU node: how to land on it, and what its taints need. */
export const gpuTypeSchema = z.strictObject({
  displayName: nonEmpty,
  nodeSelector: z
    .record(z.string().regex(LABEL_KEY, { error: 'must be a Kubernetes label key' }), z.string())
    .superRefine((selector, ctx) => {
      if (Object.keys(selector).length === 0) {
        ctx.addIssue({ code: 'custom', message: 'must select at least one node label' });
      }
      for (const [key, value] of Object.entries(selector)) {
        if (!LABEL_VALUE.test(value) || value.length > 63) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'must be a Kubernetes label value' });
        }
      }
    }),
  tolerations: z.array(tolerationSchema).default([]),
});

const positiveInteger = z
  .number({ error: (issue) => (issue.input === undefined ? undefined : 'must be a positive integer') })
  .int({ error: 'must be a positive integer' })
  .positive({ error: 'must be a positive integer' });

/** What GPUs an environment can use. Absent on CPU-only environments. */
export const gpuSupportSchema = z
  .strictObject({
    /** e.g. `nvidia`. NVIDIA environments must name their CUDA version. */
    vendor: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be a lowercase vendor name such as "nvidia"' }),
    /** The device plugin's extended resource, e.g. `nvidia.com/gpu`. */
    resource: z
      .string()
      .regex(RESOURCE_NAME, { error: 'must be an extended resource name such as "nvidia.com/gpu"' }),
    /** GPU counts a user may choose; the first is the default. */
    counts: z.array(positiveInteger).min(1, { error: 'must list at least one GPU count' }),
    /** Keys of `gpuTypes`; the first is the default. */
    types: z.array(id).min(1, { error: 'must list at least one GPU type' }),
  })
  .superRefine((gpu, ctx) => {
    duplicates(gpu.counts).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['counts', index],
        message: `duplicate GPU count ${gpu.counts[index]}`,
      }),
    );
    duplicates(gpu.types).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['types', index],
        message: `duplicate GPU type "${gpu.types[index]}"`,
      }),
    );
  });

export const versionsSchema = z.strictObject({
  python: version('3.11'),
  cuda: version('12.3').optional(),
  cudnn: version('8.9').optional(),
  /** Python distribution name -> version, e.g. `tensorflow: "2.16.1"`. */
  frameworks: z
    .record(
      z.string().regex(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, { error: 'must be a lowercase package name' }),
      version('2.16.1'),
    )
    .default({}),
});

export const environmentSchema = z
  .strictObject({
    id,
    displayName: nonEmpty,
    description: nonEmpty,
    image: z.string().superRefine((image, ctx) => {
      const message = imageProblem(image);
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
    /** The preselected environment. At most one; without any, the first. */
    default: z.boolean({ error: 'must be true or false' }).optional(),
    /** Hidden from users (spawn form, panel, new jobs and models); existing jobs keep their image. */
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
    versions: versionsSchema,
    gpu: gpuSupportSchema.optional(),
    resources: z.strictObject({
      cpu: resourceRange('"500m" or "2"'),
      memory: resourceRange('"512Mi" or "8Gi"'),
    }),
    tags: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/, { error: 'must be a lowercase tag such as "gpu"' }))
      .default([]),
  })
  .superRefine((env, ctx) => {
    if (env.gpu) {
      if (env.gpu.vendor === 'nvidia' && env.versions.cuda === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['versions', 'cuda'],
          message: 'is required for an NVIDIA GPU environment',
        });
      }
      return;
    }
    for (const field of ['cuda', 'cudnn'] as const) {
      if (env.versions[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['versions', field],
          message: `must not be set on a CPU-only environment (add a gpu block, or remove ${field})`,
        });
      }
    }
  });

/** The whole file. Cross-entry rules live in {@link referenceProblems}. */
export const catalogSchema = z.strictObject({
  gpuTypes: z.record(id, gpuTypeSchema).default({}),
  environments: z.array(environmentSchema).min(1, { error: 'must list at least one environment' }),
});

export type Toleration = z.infer<typeof tolerationSchema>;
export type GpuType = z.infer<typeof gpuTypeSchema>;
export type GpuSupport = z.infer<typeof gpuSupportSchema>;
export type EnvironmentVersions = z.infer<typeof versionsSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Catalog = z.infer<typeof catalogSchema>;

/** Why `image` is not an acceptable reference, or undefined when it is. */
export function imageProblem(image: string): string | undefined {
  const match = IMAGE_REFERENCE.exec(image);
  if (!match?.groups) {
    return `"${image}" is not an image reference (expected repo:tag or repo@sha256:<64 hex digits>)`;
  }
  const { tag, digest } = match.groups;
  if (tag === undefined && digest === undefined) {
    return `"${image}" must pin a tag or a digest (repo:tag or repo@sha256:...)`;
  }
  if (tag === 'latest' && digest === undefined) {
    return `"${image}" uses the moving tag "latest"; pin a version tag or a digest`;
  }
  return undefined;
}

/** An issue found across entries, with a path into the raw catalog. */
export interface ReferenceIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * Rules that span entries, checked on the raw document so they are reported
 * even when some entry is malformed: unique environment ids, at most one
 * default, GPU types that exist, and at least one environment enabled.
 */
export function referenceProblems(input: unknown): ReferenceIssue[] {
  if (!isRecord(input) || !Array.isArray(input.environments)) return [];
  const gpuTypes = isRecord(input.gpuTypes) ? Object.keys(input.gpuTypes) : [];
  const issues: ReferenceIssue[] = [];
  const firstIndexOfId = new Map<string, number>();
  let firstDefault: number | undefined;

  input.environments.forEach((env: unknown, index) => {
    if (!isRecord(env)) return;
    if (typeof env.id === 'string') {
      const first = firstIndexOfId.get(env.id);
      if (first === undefined) firstIndexOfId.set(env.id, index);
      else {
        issues.push({
          path: ['environments', index, 'id'],
          message: `duplicate id "${env.id}" (also environments[${first}])`,
        });
      }
    }
    if (env.default === true) {
      if (firstDefault === undefined) firstDefault = index;
      else {
        issues.push({
          path: ['environments', index, 'default'],
          message: `only one environment may be the default (environments[${firstDefault}] already is)`,
        });
      }
    }
    const types = isRecord(env.gpu) && Array.isArray(env.gpu.types) ? env.gpu.types : [];
    types.forEach((type: unknown, typeIndex) => {
      if (typeof type === 'string' && !gpuTypes.includes(type)) {
        issues.push({
          path: ['environments', index, 'gpu', 'types', typeIndex],
          message: `unknown GPU type "${type}" (gpuTypes defines ${gpuTypes.length ? gpuTypes.join(', ') : 'none'})`,
        });
      }
    });
  });
  const enabled = input.environments.filter((env: unknown) => !(isRecord(env) && env.disabled === true));
  if (input.environments.length > 0 && enabled.length === 0) {
    issues.push({
      path: ['environments'],
      message: 'at least one environment must stay enabled (every one has disabled: true)',
    });
  }
  return issues;
}

/** The environment preselected in the spawn form and the panel. */
export function defaultEnvironment(catalog: Catalog): Environment {
  const env = catalog.environments.find((e) => e.default) ?? catalog.environments[0];
  if (!env) throw new Error('the catalog has no environments');
  return env;
}

/** Indexes of the elements that repeat an earlier one. */
function duplicates<T>(items: readonly T[]): number[] {
  return items.flatMap((item, index) => (items.indexOf(item) < index ? [index] : []));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
