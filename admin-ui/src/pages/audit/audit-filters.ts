import type { QueryValues } from '../../api/query-string';
import { localInputToIso } from '../../api/query-string';

/** The audit log's filters as the form holds them (times as `datetime-local` values). */
export interface AuditFilters {
  actor: string;
  action: string;
  kind: string;
  object: string;
  outcome: '' | 'success' | 'failure' | 'denied';
  since: string;
  until: string;
}

/** No filter: every entry. */
export const NO_AUDIT_FILTERS: AuditFilters = {
  actor: '',
  action: '',
  kind: '',
  object: '',
  outcome: '',
  since: '',
  until: '',
};

/** How many entries a page asks for. */
export const AUDIT_PAGE_SIZE = 50;

/** The filter part of the query, shared by the list and the export. */
export function auditFilterQuery(filters: AuditFilters): QueryValues {
  return {
    actor: filters.actor,
    action: filters.action,
    kind: filters.kind,
    object: filters.object,
    outcome: filters.outcome,
    since: localInputToIso(filters.since),
    until: localInputToIso(filters.until),
  };
}

/** The query of `GET /api/v1/admin/audit` (one page, from `cursor`). */
export function auditListQuery(filters: AuditFilters, cursor?: string): QueryValues {
  return { ...auditFilterQuery(filters), limit: AUDIT_PAGE_SIZE, cursor };
}

/** An entry's `change` for reading: indented JSON, `''` when there is none. */
export function formatChange(change: unknown): string {
  if (change === undefined) {
    return '';
  }
  try {
    return JSON.stringify(change, null, 2) ?? '';
  } catch {
    return String(change);
  }
}
