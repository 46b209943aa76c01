import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../repository-root.js';
import {
  CatalogError,
  formatPath,
  problemsFromZod,
  readSourceFile,
  type CatalogProblem,
  type ElementLabeler,
  parseSourceYaml,
} from './catalog-error.js';
import { catalogSchema, environmentSchema, referenceProblems, type Catalog } from './catalog-schema.js';
import {
  checkCompatibility,
  DEFAULT_COMPATIBILITY_PATH,
  loadCompatibilityTable,
  type CompatibilityTable,
} from './compatibility.js';

/** The repository's catalog, next to the compatibility table. */
export const DEFAULT_CATALOG_PATH = join(REPOSITORY_ROOT, 'images/catalog.yaml');

/**
 * Reads and validates the catalog, judging versions by the compatibility
 * table. Throws {@link CatalogError} listing every problem found.
 */
export function loadCatalog(
  path = DEFAULT_CATALOG_PATH,
  compatibilityPath = DEFAULT_COMPATIBILITY_PATH,
): Catalog {
  const table = loadCompatibilityTable(compatibilityPath);
  return parseCatalog(readSourceFile(path), table, path);
}

/**
 * Validates catalog YAML. Problems are named
 * `environments[<id, or index when the id is missing or repeated>].<field>`.
 * Throws {@link CatalogError} listing every problem found.
 */
export function parseCatalog(
  text: string,
  table: CompatibilityTable,
  source = 'environment catalog',
): Catalog {
  const result = validateCatalogDocument(parseSourceYaml(text, source), table);
  if (!result.ok) throw new CatalogError(result.problems, source);
  return result.catalog;
}

/** A catalog document that passed every rule, or every problem it has. */
export type CatalogValidation = { ok: true; catalog: Catalog } | { ok: false; problems: CatalogProblem[] };

/**
 * The catalog rules, shared by the file loader and the admin editor so both
 * report the same problems in the same words. Structure, cross-entry rules
 * and compatibility are all checked, so one run reports everything: an entry
 * that is itself well-formed is judged for compatibility even when another
 * entry is broken.
 */
export function validateCatalogDocument(raw: unknown, table: CompatibilityTable): CatalogValidation {
  const label = environmentLabeler(raw);
  const problems: CatalogProblem[] = [];

  const result = catalogSchema.safeParse(raw, { reportInput: true });
  if (!result.success) problems.push(...problemsFromZod(result.error, label));
  for (const issue of referenceProblems(raw)) {
    problems.push({ field: formatPath(issue.path, label), message: issue.message });
  }
  rawEnvironments(raw).forEach((env, index) => {
    const parsed = environmentSchema.safeParse(env);
    if (parsed.success) {
      problems.push(...checkCompatibility(parsed.data, table, label('environments', index) ?? String(index)));
    }
  });

  if (problems.length > 0 || !result.success) return { ok: false, problems: dedupe(problems) };
  return { ok: true, catalog: result.data };
}

/** Names environments by id where the id is a string used once, else by index. */
function environmentLabeler(raw: unknown): ElementLabeler {
  const ids = rawEnvironments(raw).map((env) =>
    typeof env === 'object' && env !== null && 'id' in env && typeof env.id === 'string' && env.id !== ''
      ? env.id
      : undefined,
  );
  return (list, index) => {
    if (list !== 'environments') return undefined;
    const id = ids[index];
    return id !== undefined && ids.indexOf(id) === ids.lastIndexOf(id) ? id : undefined;
  };
}

function rawEnvironments(raw: unknown): unknown[] {
  if (typeof raw !== 'object' || raw === null || !('environments' in raw)) return [];
  return Array.isArray(raw.environments) ? raw.environments : [];
}

function dedupe(problems: CatalogProblem[]): CatalogProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
