import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { FieldError } from '../errors/index.js';
import { quotasDocumentSchema, type QuotasDocument } from './limits.js';

/** A parsed document, or every problem with it. */
export type ParsedQuotas = { ok: true; document: QuotasDocument } | { ok: false; errors: FieldError[] };

/** Zod issues as `users.alice.gpus: must be ≥ 0`, one per field. */
export function quotaFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    }
    const message =
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return [{ field: path.length > 0 ? path.join('.') : '(document)', message }];
  });
}

/** Validates a document an admin sent (already JSON-parsed). */
export function validateQuotas(value: unknown): ParsedQuotas {
  // reportInput: tells a missing field (input undefined) from a wrong one.
  const result = quotasDocumentSchema.safeParse(value, { reportInput: true });
  return result.success
    ? { ok: true, document: result.data }
    : { ok: false, errors: quotaFieldErrors(result.error) };
}

/** Reads the stored text: JSON, or YAML for a ConfigMap someone edited by hand. */
export function parseQuotasText(text: string): ParsedQuotas {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return {
      ok: false,
      errors: [{ field: '(document)', message: `is not JSON or YAML: ${(err as Error).message}` }],
    };
  }
  return validateQuotas(raw);
}

/** The stored text of a document: JSON with sorted names, so diffs of the ConfigMap stay small. */
export function quotasText(document: QuotasDocument): string {
  const sorted = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(
    { defaults: document.defaults, groups: sorted(document.groups), users: sorted(document.users) },
    null,
    2,
  )}\n`;
}
