import { z } from 'zod';
import { ValidationError } from './errors.js';

/** Default and maximum page sizes for list endpoints. */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 500;

/** The `limit` query parameter of a list endpoint: 1 to {@link PAGE_LIMIT_MAX}, {@link PAGE_LIMIT_DEFAULT} when absent. */
export const pageLimitQuerySchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(PAGE_LIMIT_MAX)
  .default(PAGE_LIMIT_DEFAULT)
  .meta({ description: `Page size, 1 to ${PAGE_LIMIT_MAX}.` });

/** An optional opaque cursor query parameter of at most `maxLength` characters, documented as `description`. */
export function pageCursorQuerySchema(description: string, maxLength = 4096) {
  return z.string().max(maxLength).optional().meta({ description });
}

/** The `?limit=&continue=` query every list endpoint accepts; merge it into a route's query schema. */
export const paginationQuerySchema = z.object({
  limit: pageLimitQuerySchema,
  continue: pageCursorQuerySchema('Opaque cursor from the previous page; omit for the first page.'),
});

/** Parsed pagination query. */
export type PageQuery = z.output<typeof paginationQuerySchema>;

/** The response schema of a list endpoint: `{ items, continue? }`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    continue: z.string().optional().meta({ description: 'Present when there are more items.' }),
  });
}

/** A page of results. */
export interface Page<T> {
  items: T[];
  continue?: string;
}

/**
 * Encodes cursor state (e.g. a Kubernetes `continue` token plus an offset) as
 * an opaque string, so clients cannot come to depend on its shape.
 */
export function encodeCursor(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** The state a cursor made by {@link encodeCursor} holds; `undefined` for a string that is not one. */
export function cursorState(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Decodes a cursor made by {@link encodeCursor}; a bad one is a field error on `query.continue`. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  const result = schema.safeParse(cursorState(cursor));
  if (!result.success) {
    throw new ValidationError([{ field: 'query.continue', message: 'invalid or expired cursor' }]);
  }
  return result.data;
}

const offsetCursor = z.object({ o: z.number().int().min(0) });

/**
 * Pages an in-memory list (e.g. an informer cache). The caller must pass the
 * items in a stable order, or pages may skip or repeat items.
 */
export function paginateArray<T>(items: readonly T[], query: PageQuery): Page<T> {
  const offset = query.continue ? decodeCursor(query.continue, offsetCursor).o : 0;
  const end = offset + query.limit;
  const page: Page<T> = { items: items.slice(offset, end) };
  if (end < items.length) page.continue = encodeCursor({ o: end });
  return page;
}
