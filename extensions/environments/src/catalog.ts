import type { Environment } from '@turing/client';

/** Which kinds of environment the list shows. */
export type KindFilter = 'all' | 'gpu' | 'cpu';

/** The list's search and filters. */
export interface CatalogFilter {
  /** Free text; every whitespace-separated term must match. */
  query: string;
  kind: KindFilter;
  /** A framework name (`pytorch`), or `''` for any. */
  framework: string;
  /** The `showCpuEnvironments` setting: `false` hides CPU-only environments. */
  showCpu: boolean;
}

/** A version badge: `Python 3.11`, `CUDA 12.4`, `PyTorch 2.5.1`. */
export interface VersionBadge {
  /** A stable key, e.g. `python`, `cuda`, `framework:pytorch`. */
  key: string;
  label: string;
  version: string;
}

const FRAMEWORK_LABELS: Record<string, string> = {
  pytorch: 'PyTorch',
  torch: 'PyTorch',
  tensorflow: 'TensorFlow',
  jax: 'JAX',
  xgboost: 'XGBoost',
  sklearn: 'scikit-learn',
  'scikit-learn': 'scikit-learn',
  lightgbm: 'LightGBM',
  mxnet: 'MXNet',
  paddle: 'PaddlePaddle',
};

/** The display name of a framework key (`pytorch` -> `PyTorch`). */
export function frameworkLabel(name: string): string {
  return FRAMEWORK_LABELS[name.toLowerCase()] ?? name;
}

/** Whether an environment can have GPUs attached. */
export function isGpuEnvironment(env: Environment): boolean {
  return env.gpu !== undefined && env.gpu.counts.some((count) => count > 0);
}

/** The distinct framework names across the catalog, sorted by display name. */
export function frameworkNames(environments: readonly Environment[]): string[] {
  const names = new Set<string>();
  for (const env of environments) {
    for (const name of Object.keys(env.versions.frameworks)) {
      names.add(name);
    }
  }
  return [...names].sort((a, b) => frameworkLabel(a).localeCompare(frameworkLabel(b)));
}

/** The version badges of an environment: Python, CUDA, cuDNN, then each framework. */
export function versionBadges(env: Environment): VersionBadge[] {
  const badges: VersionBadge[] = [{ key: 'python', label: 'Python', version: env.versions.python }];
  if (env.versions.cuda) {
    badges.push({ key: 'cuda', label: 'CUDA', version: env.versions.cuda });
  }
  if (env.versions.cudnn) {
    badges.push({ key: 'cudnn', label: 'cuDNN', version: env.versions.cudnn });
  }
  for (const [name, version] of Object.entries(env.versions.frameworks)) {
    badges.push({ key: `framework:${name}`, label: frameworkLabel(name), version });
  }
  return badges;
}

/** Everything the free-text search looks at, lower-cased. */
export function searchText(env: Environment): string {
  const parts = [
    env.id,
    env.displayName,
    env.description,
    env.image,
    ...env.tags,
    isGpuEnvironment(env) ? 'gpu' : 'cpu',
  ];
  for (const badge of versionBadges(env)) {
    parts.push(badge.label, badge.version, `${badge.label} ${badge.version}`);
  }
  for (const type of env.gpu?.types ?? []) {
    parts.push(type.id, type.displayName);
  }
  return parts.join('\n').toLowerCase();
}

/** Applies the search and filters, keeping the catalog's order. */
export function filterEnvironments(
  environments: readonly Environment[],
  filter: CatalogFilter,
): Environment[] {
  const terms = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return environments.filter((env) => {
    const gpu = isGpuEnvironment(env);
    if (!gpu && !filter.showCpu) {
      return false;
    }
    if ((filter.kind === 'gpu' && !gpu) || (filter.kind === 'cpu' && gpu)) {
      return false;
    }
    if (filter.framework && !(filter.framework in env.versions.frameworks)) {
      return false;
    }
    if (terms.length === 0) {
      return true;
    }
    const text = searchText(env);
    return terms.every((term) => text.includes(term));
  });
}
