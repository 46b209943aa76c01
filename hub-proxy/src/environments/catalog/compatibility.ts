import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../repository-root.js';
import { z } from 'zod';
import {
  CatalogError,
  formatPath,
  problemsFromZod,
  readSourceFile,
  type CatalogProblem,
  parseSourceYaml,
} from './catalog-error.js';
import type { Environment } from './catalog-schema.js';

/**
 * The compatibility table (`images/compatibility.yaml`): for each framework
 * release line, the Python range and the CUDA/cuDNN builds its publishers
 * tested or shipped. {@link checkCompatibility} judges an environment by it.
 */

export const DEFAULT_COMPATIBILITY_PATH = join(REPOSITORY_ROOT, 'images/compatibility.yaml');

const minorVersion = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : 'must be a quoted version string') })
  .regex(/^\d+\.\d+$/, { error: 'must be a major.minor version such as "2.16"' });
const dottedVersion = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : 'must be a quoted version string') })
  .regex(/^\d+(?:\.\d+){1,3}$/, { error: 'must be a version such as "12.3"' });

const sourceSchema = z.strictObject({
  title: z.string().min(1),
  url: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
  /** Where the page's text lives in a public repository, for reviewers. */
  repository: z.string().min(1).optional(),
});

const gpuBuildSchema = z.strictObject({
  cuda: dottedVersion,
  cudnn: dottedVersion,
  /** PyTorch wheel index variant, e.g. `cu126`. */
  wheel: z
    .string()
    .regex(/^cu\d+$/, { error: 'must be a wheel variant such as "cu126"' })
    .optional(),
  experimental: z.boolean().optional(),
});

const releaseSchema = z.strictObject({
  /** A release line: covers every patch release of it. */
  version: minorVersion,
  /** Key of `sources`. */
  source: z.string().min(1),
  python: z.strictObject({ min: minorVersion, max: minorVersion }),
  /** Absent: the table makes no claim about CUDA for this release. */
  gpu: z.array(gpuBuildSchema).min(1).optional(),
});

const frameworkSchema = z.strictObject({
  displayName: z.string().min(1),
  /** Keys of `sources` that apply to the framework as a whole. */
  seeAlso: z.array(z.string().min(1)).default([]),
  releases: z.array(releaseSchema).min(1),
});

export const compatibilityTableSchema = z
  .strictObject({
    sources: z.record(z.string().regex(/^[a-z0-9-]+$/), sourceSchema),
    /** Keyed by the Python distribution name used in the catalog (`tensorflow`, `torch`). */
    frameworks: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/), frameworkSchema),
  })
  .superRefine((table, ctx) => {
    for (const [name, framework] of Object.entries(table.frameworks)) {
      const cite = (key: string, path: Array<string | number>) => {
        if (!(key in table.sources)) {
          ctx.addIssue({ code: 'custom', path, message: `unknown source "${key}"` });
        }
      };
      framework.seeAlso.forEach((key, i) => cite(key, ['frameworks', name, 'seeAlso', i]));
      const seen = new Set<string>();
      framework.releases.forEach((release, i) => {
        const path = ['frameworks', name, 'releases', i];
        cite(release.source, [...path, 'source']);
        if (seen.has(release.version)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'version'],
            message: `duplicate release ${release.version}`,
          });
        }
        seen.add(release.version);
        if (compareVersions(release.python.min, release.python.max) > 0) {
          ctx.addIssue({ code: 'custom', path: [...path, 'python'], message: 'min is above max' });
        }
      });
    }
  });

export type CompatibilityTable = z.infer<typeof compatibilityTableSchema>;
export type FrameworkRelease = z.infer<typeof releaseSchema>;
export type GpuBuild = z.infer<typeof gpuBuildSchema>;

/** Parses and validates the table. Throws {@link CatalogError}. */
export function parseCompatibilityTable(text: string, source = 'compatibility table'): CompatibilityTable {
  const raw = parseSourceYaml(text, source);
  const result = compatibilityTableSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new CatalogError(problemsFromZod(result.error), source);
  return result.data;
}

/** Reads the table, by default the repository's `images/compatibility.yaml`. */
export function loadCompatibilityTable(path = DEFAULT_COMPATIBILITY_PATH): CompatibilityTable {
  return parseCompatibilityTable(readSourceFile(path), path);
}

/**
 * Judges one environment: for every framework the table knows, the release
 * must be listed, the Python version in range, and (on GPU environments) the
 * CUDA and cuDNN versions one of the release's builds. Frameworks the table
 * does not know are not judged. Returns one problem per mismatch, with fields
 * named `environments[<id>].versions...`.
 */
export function checkCompatibility(
  env: Environment,
  table: CompatibilityTable,
  /** How fields name the environment: its id unless told otherwise (e.g. an index). */
  name: string = env.id,
): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const at = (...path: string[]) => formatPath(['environments', 0, ...path], () => name);
  const { python, cuda, cudnn } = env.versions;

  for (const [name, installed] of Object.entries(env.versions.frameworks)) {
    const framework = table.frameworks[name];
    if (!framework) continue;
    const label = framework.displayName;
    const release = framework.releases.find((r) => sameRelease(installed, r.version));
    if (!release) {
      const known = framework.releases.map((r) => r.version).sort(compareVersions);
      problems.push({
        field: at('versions', 'frameworks', name),
        message: `${label} ${installed} is not in the compatibility table (it lists ${known.join(', ')})`,
      });
      continue;
    }
    const line = `${label} ${release.version}`;

    if (
      compareVersions(minor(python), release.python.min) < 0 ||
      compareVersions(minor(python), release.python.max) > 0
    ) {
      problems.push({
        field: at('versions', 'python'),
        message: `${line} supports Python ${release.python.min} to ${release.python.max}, not ${python}`,
      });
    }

    if (cuda === undefined || release.gpu === undefined) continue;
    const builds = release.gpu.filter((b) => sameMinor(b.cuda, cuda));
    if (builds.length === 0) {
      problems.push({
        field: at('versions', 'cuda'),
        message: `${line} was tested with CUDA ${orList(unique(release.gpu.map((b) => b.cuda)))}, not ${cuda}`,
      });
      continue;
    }
    const expected = orList(unique(builds.map((b) => b.cudnn)));
    if (cudnn === undefined) {
      problems.push({
        field: at('versions', 'cudnn'),
        message: `is required: ${line} with CUDA ${cuda} was tested with cuDNN ${expected}`,
      });
    } else if (!builds.some((b) => sameMinor(b.cudnn, cudnn))) {
      problems.push({
        field: at('versions', 'cudnn'),
        message: `${line} with CUDA ${cuda} was tested with cuDNN ${expected}, not ${cudnn}`,
      });
    }
  }
  return problems;
}

/** Numeric, component-wise comparison of dotted versions ("9.10" > "9.5"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** `2.16.1` belongs to the release line `2.16` (and to `2.16.1`), not to `2.1`. */
function sameRelease(installed: string, line: string): boolean {
  return installed === line || installed.startsWith(`${line}.`);
}

/** Equal on major.minor: cuDNN `9.1.0.70` matches `9.1` but not `9.10`. */
function sameMinor(a: string, b: string): boolean {
  return compareVersions(minor(a), minor(b)) === 0;
}

function minor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** `["11.8", "12.1", "12.4"]` -> `11.8, 12.1 or 12.4`. */
function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
