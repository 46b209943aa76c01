import type { CatalogEnvironment } from '../../api/types';

/** An environment as the form edits it: text as typed, lists as comma- or line-separated text. */
export interface EnvironmentDraft {
  id: string;
  displayName: string;
  description: string;
  image: string;
  default: boolean;
  disabled: boolean;
  python: string;
  cuda: string;
  cudnn: string;
  /** One `name = version` per line. */
  frameworks: string;
  gpuEnabled: boolean;
  gpuVendor: string;
  gpuResource: string;
  /** e.g. `1, 2, 4`; the first is the default. */
  gpuCounts: string;
  /** GPU type ids, e.g. `t4, a100`; the first is the default. */
  gpuTypes: string;
  cpuDefault: string;
  cpuMax: string;
  memoryDefault: string;
  memoryMax: string;
  /** e.g. `gpu, pytorch`. */
  tags: string;
}

/** The form of a new environment: CPU only, with the catalog's usual sizes. */
export function emptyDraft(): EnvironmentDraft {
  return {
    id: '',
    displayName: '',
    description: '',
    image: '',
    default: false,
    disabled: false,
    python: '3.11',
    cuda: '',
    cudnn: '',
    frameworks: '',
    gpuEnabled: false,
    gpuVendor: 'nvidia',
    gpuResource: 'nvidia.com/gpu',
    gpuCounts: '1',
    gpuTypes: '',
    cpuDefault: '1',
    cpuMax: '4',
    memoryDefault: '2Gi',
    memoryMax: '8Gi',
    tags: '',
  };
}

/** The form of an existing environment. */
export function draftFromEnvironment(env: CatalogEnvironment): EnvironmentDraft {
  return {
    id: env.id,
    displayName: env.displayName,
    description: env.description,
    image: env.image,
    default: env.default === true,
    disabled: env.disabled === true,
    python: env.versions.python,
    cuda: env.versions.cuda ?? '',
    cudnn: env.versions.cudnn ?? '',
    frameworks: Object.entries(env.versions.frameworks ?? {})
      .map(([name, version]) => `${name} = ${version}`)
      .join('\n'),
    gpuEnabled: env.gpu !== undefined,
    gpuVendor: env.gpu?.vendor ?? 'nvidia',
    gpuResource: env.gpu?.resource ?? 'nvidia.com/gpu',
    gpuCounts: (env.gpu?.counts ?? [1]).join(', '),
    gpuTypes: (env.gpu?.types ?? []).join(', '),
    cpuDefault: env.resources.cpu.default,
    cpuMax: env.resources.cpu.max,
    memoryDefault: env.resources.memory.default,
    memoryMax: env.resources.memory.max,
    tags: env.tags.join(', '),
  };
}

function list(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A whole number stays a number; anything else is sent as typed, so the server names the problem. */
function count(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** What {@link environmentFromDraft} makes: the entry, or the lines it could not read. */
export type DraftResult =
  | { ok: true; environment: CatalogEnvironment }
  | { ok: false; errors: Record<string, string[]> };

/**
 * The catalog entry of a draft. Only the frameworks' line syntax is checked
 * here; every rule of the catalog is the server's (one validator, the same
 * messages as the catalog file).
 */
export function environmentFromDraft(draft: EnvironmentDraft): DraftResult {
  const frameworks: Record<string, string> = {};
  const problems: string[] = [];
  draft.frameworks.split('\n').forEach((line, index) => {
    if (!line.trim()) {
      return;
    }
    const match = /^\s*([^=:\s]+)\s*(?:==|=|:)\s*(\S+)\s*$/.exec(line);
    if (!match?.[1] || !match[2]) {
      problems.push(`line ${index + 1}: write "name = version", e.g. "torch = 2.7.1"`);
      return;
    }
    frameworks[match[1]] = match[2];
  });
  if (problems.length) {
    return { ok: false, errors: { 'versions.frameworks': problems } };
  }
  const environment: CatalogEnvironment = {
    id: draft.id.trim(),
    displayName: draft.displayName.trim(),
    description: draft.description.trim(),
    image: draft.image.trim(),
    versions: { python: draft.python.trim(), frameworks },
    resources: {
      cpu: { default: draft.cpuDefault.trim(), max: draft.cpuMax.trim() },
      memory: { default: draft.memoryDefault.trim(), max: draft.memoryMax.trim() },
    },
    tags: list(draft.tags),
    disabled: draft.disabled,
  };
  if (draft.default) {
    environment.default = true;
  }
  if (draft.cuda.trim()) {
    environment.versions.cuda = draft.cuda.trim();
  }
  if (draft.cudnn.trim()) {
    environment.versions.cudnn = draft.cudnn.trim();
  }
  if (draft.gpuEnabled) {
    environment.gpu = {
      vendor: draft.gpuVendor.trim(),
      resource: draft.gpuResource.trim(),
      counts: list(draft.gpuCounts).map(count) as number[],
      types: list(draft.gpuTypes),
    };
  }
  return { ok: true, environment };
}
