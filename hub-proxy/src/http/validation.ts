import type { z } from 'zod';
import { ValidationError, type FieldError } from './errors.js';

/** Converts zod issues to field errors prefixed with where the input came from. */
export function toFieldErrors(where: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${base}.${key}`, message: 'unknown field' }));
    }
    return [{ field: base, message: issue.message }];
  });
}

/** Parses `value` with `schema` or throws a {@link ValidationError} naming each bad field. */
export function parseInput<S extends z.ZodType>(where: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldErrors(where, result.error));
  return result.data;
}

/** Parses several inputs at once so one response lists every bad field, wherever it is. */
export function parseInputs<T extends Record<string, { schema: z.ZodType | undefined; value: unknown }>>(
  parts: T,
): { [K in keyof T]: unknown } {
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  for (const [where, { schema, value }] of Object.entries(parts)) {
    if (!schema) {
      out[where] = value;
      continue;
    }
    const result = schema.safeParse(value);
    if (result.success) out[where] = result.data;
    else errors.push(...toFieldErrors(where, result.error));
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out as { [K in keyof T]: unknown };
}
