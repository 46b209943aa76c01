import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** One problem in the catalog or the compatibility table, named by its field path. */
export interface CatalogProblem {
  /** e.g. `environments[tf-2.16-cuda12.3].versions.cuda`, `gpuTypes.t4.nodeSelector`. */
  field: string;
  message: string;
}

/**
 * Thrown when the catalog or the compatibility table is invalid. The message
 * lists every problem, one per line, as `<field>: <message>`.
 */
export class CatalogError extends Error {
  constructor(
    readonly problems: CatalogProblem[],
    /** Which file (or other origin) the problems are in. */
    readonly source = 'environment catalog',
  ) {
    super(`Invalid ${source}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

export function formatProblem(problem: CatalogProblem): string {
  return `${problem.field}: ${problem.message}`;
}

/**
 * Names the element of a list in a field path, e.g. an environment by its id.
 * Returns undefined to fall back to the index.
 */
export type ElementLabeler = (list: string, index: number) => string | undefined;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['environments', 2, 'gpu', 'counts', 0]` -> `environments[<label or 2>].gpu.counts[0]`. */
export function formatPath(path: readonly PropertyKey[], label?: ElementLabeler): string {
  let out = '';
  let parent = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${label?.(parent, segment) ?? segment}]`;
    } else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
      parent = out;
    }
  }
  return out || '(root)';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** Turns zod issues (parsed with `reportInput: true`) into problems with precise, human messages. */
export function problemsFromZod(error: z.ZodError, label?: ElementLabeler): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ field: formatPath([...issue.path, key], label), message: 'unknown field' });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      // Needs `reportInput: true` at parse time: without it `input` is never set.
      if (issue.input === undefined) message = 'is required';
      else if (message.startsWith('Invalid input'))
        message = `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    }
    problems.push({ field: formatPath(issue.path, label), message });
  }
  return problems;
}

/** Reads a catalog or table file; an unreadable file is a {@link CatalogError} too. */
export function readSourceFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogError([{ field: '(root)', message: `cannot read: ${(err as Error).message}` }], path);
  }
}

/** Parses YAML text; a syntax error becomes a {@link CatalogError} at the root. */
export function parseSourceYaml(text: string, source: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new CatalogError(
      [{ field: '(root)', message: `not valid YAML: ${(err as Error).message}` }],
      source,
    );
  }
}
