import { z } from 'zod';
import { pageCursorQuerySchema, pageLimitQuerySchema } from '../http/pagination.js';
import { auditEntrySchema, auditOutcomeSchema, type AuditFilter } from './audit-entry.js';

const exact = (description: string) => z.string().min(1).max(253).optional().meta({ description });
const instant = (description: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-12-01T00:00:00Z' })
    .optional()
    .meta({ description });

/** The filters of `GET /api/v1/admin/audit` and its export. */
export const auditFilterQuerySchema = z.object({
  actor: exact('Only calls by this user or service (exact name; `runner`, `anonymous`).'),
  action: exact('Only this operation (operationId), e.g. `updateJob`.'),
  kind: exact('Only objects of this kind: `job`, `run`, `model`, `environment`, `quotas`, ...'),
  object: exact('Only the object of this name.'),
  outcome: auditOutcomeSchema.optional().meta({ description: '`success`, `failure` or `denied` (401/403).' }),
  since: instant('Calls at or after this time.'),
  until: instant('Calls before this time.'),
});

/** The list query: the filters plus a page. */
export const auditListQuerySchema = auditFilterQuerySchema.extend({
  limit: pageLimitQuerySchema,
  cursor: pageCursorQuerySchema("The previous page's `next`; omit for the first page."),
});

/** A page of the audit log. */
export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  next: z.string().optional().meta({ description: 'Present when older entries may follow.' }),
});

/** The store filter of a parsed filter query. */
export function toAuditFilter(query: z.output<typeof auditFilterQuerySchema>): AuditFilter {
  const filter: AuditFilter = {};
  if (query.actor !== undefined) filter.actor = query.actor;
  if (query.action !== undefined) filter.action = query.action;
  if (query.kind !== undefined) filter.kind = query.kind;
  if (query.object !== undefined) filter.object = query.object;
  if (query.outcome !== undefined) filter.outcome = query.outcome;
  if (query.since !== undefined) filter.since = new Date(query.since);
  if (query.until !== undefined) filter.until = new Date(query.until);
  return filter;
}
