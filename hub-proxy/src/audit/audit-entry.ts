import { z } from 'zod';

/** Who made an audited call. */
export const auditActorSchema = z.object({
  name: z.string().meta({ description: 'Hub user or service name; `runner` or `anonymous` otherwise.' }),
  kind: z.enum(['user', 'service', 'runner', 'anonymous']),
  admin: z.boolean().meta({ description: 'Held the Turing admin scope.' }),
});

/** What an audited call acted on. */
export const auditObjectSchema = z.object({
  kind: z
    .string()
    .meta({ description: '`job`, `run`, `model`, `apiKey`, `environment`, `quotas`, `server`, ...' }),
  name: z.string().optional(),
  owner: z
    .string()
    .optional()
    .meta({ description: "The user whose object it is (`?user=`, else the caller's)." }),
});

/** How an audited call ended. */
export const auditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

/** One state-changing API call. */
export const auditEntrySchema = z
  .object({
    id: z.string().meta({ description: 'Unique; also the key the entry is stored under.' }),
    time: z.iso.datetime().meta({ description: 'When the request arrived (UTC).' }),
    requestId: z.string().meta({ description: 'The `X-Request-Id` of the call.' }),
    actor: auditActorSchema,
    action: z.string().meta({ description: 'The operationId of the route.' }),
    method: z.string(),
    path: z.string().meta({ description: 'The request path, without the query string.' }),
    object: auditObjectSchema,
    change: z
      .unknown()
      .optional()
      .meta({ description: 'A redacted summary of the request body, at most 4 KiB of JSON.' }),
    result: z.object({
      status: z.number().int(),
      outcome: auditOutcomeSchema,
    }),
  })
  .meta({ id: 'AuditEntry' });

/** One state-changing API call, as stored and served. */
export type AuditEntry = z.output<typeof auditEntrySchema>;
export type AuditActor = AuditEntry['actor'];
export type AuditObject = AuditEntry['object'];
export type AuditOutcome = z.output<typeof auditOutcomeSchema>;

/** Which entries a query wants; every field narrows. */
export interface AuditFilter {
  /** Exact actor name. */
  actor?: string;
  /** Exact action (operationId). */
  action?: string;
  /** Exact object kind. */
  kind?: string;
  /** Exact object name. */
  object?: string;
  outcome?: AuditOutcome;
  /** Entries at or after this time. */
  since?: Date;
  /** Entries before this time. */
  until?: Date;
}

/** True if `entry` passes every condition of `filter`. */
export function matchesAuditFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.actor !== undefined && entry.actor.name !== filter.actor) return false;
  if (filter.action !== undefined && entry.action !== filter.action) return false;
  if (filter.kind !== undefined && entry.object.kind !== filter.kind) return false;
  if (filter.object !== undefined && entry.object.name !== filter.object) return false;
  if (filter.outcome !== undefined && entry.result.outcome !== filter.outcome) return false;
  const time = Date.parse(entry.time);
  if (filter.since !== undefined && time < filter.since.getTime()) return false;
  if (filter.until !== undefined && time >= filter.until.getTime()) return false;
  return true;
}

/** Newest first; ties by id, descending, so pages are stable. */
export function newestFirst(a: AuditEntry, b: AuditEntry): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** One stored entry's JSON; a torn, foreign or hand-edited one is skipped (empty), not fatal. */
export function parseStoredEntry(text: string): AuditEntry[] {
  if (text.trim() === '') return [];
  try {
    const parsed = auditEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? [parsed.data] : [];
  } catch {
    return [];
  }
}
