import { defineRoute, type RouteDefinition } from '../http/route.js';
import { defineStreamRoute } from '../http/streaming-route.js';
import { InvalidInput } from '../errors/index.js';
import type { AuditFilter } from './audit-entry.js';
import { dayOf, type AuditStore } from './audit-store.js';
import { auditFilterQuerySchema, auditListQuerySchema, auditPageSchema, toAuditFilter } from './schemas.js';

const tags = ['admin'];
/** Entries per store query while exporting. */
const EXPORT_PAGE = 500;
const NDJSON = 'application/x-ndjson';

/** `GET /api/v1/admin/audit` and `GET /api/v1/admin/audit/export`. */
export function auditRoutes(
  store: Pick<AuditStore, 'query'>,
  retentionDays: number,
  now: () => Date = () => new Date(),
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/audit',
      operationId: 'adminListAudit',
      summary: 'The audit log: every state-changing API call, newest first (admins)',
      description:
        'Filters combine; `next` pages on. A page may hold fewer than `limit` entries and still have ' +
        '`next` when many days had to be read: follow it until it is absent.',
      tags,
      auth: 'admin',
      query: auditListQuerySchema,
      response: auditPageSchema,
      handler: ({ query }) => {
        const filter = checkedFilter(query);
        return store.query(filter, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
      },
    }),
    defineStreamRoute({
      method: 'get',
      path: '/api/v1/admin/audit/export',
      operationId: 'adminExportAudit',
      summary: 'The audit log as JSON lines, newest first (admins)',
      description:
        'The same filters as the list; one AuditEntry JSON per line, as an attachment named ' +
        '`turing-audit-<from>-<to>.jsonl` (the days the filters span, within the retention).',
      tags,
      auth: 'admin',
      query: auditFilterQuerySchema,
      produces: { [NDJSON]: { description: 'One AuditEntry JSON per line.' } },
      handler: ({ query, signal }) => {
        const filter = checkedFilter(query);
        const today = now();
        const oldest = new Date(today.getTime() - retentionDays * 86_400_000);
        const from = dayOf(filter.since && filter.since > oldest ? filter.since : oldest);
        const to = dayOf(filter.until && filter.until < today ? new Date(filter.until.getTime() - 1) : today);
        return {
          kind: 'stream',
          contentType: NDJSON,
          headers: {
            'Content-Disposition': `attachment; filename="turing-audit-${from}-${to}.jsonl"`,
            'Cache-Control': 'no-store',
          },
          body: exportLines(store, filter, signal),
        };
      },
    }),
  ];
}

function checkedFilter(query: Parameters<typeof toAuditFilter>[0]): AuditFilter {
  const filter = toAuditFilter(query);
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new InvalidInput([{ field: 'query.until', message: 'must not be before since' }]);
  }
  return filter;
}

/** Every matching entry as a line, page by page, so memory holds one page at a time. */
async function* exportLines(
  store: Pick<AuditStore, 'query'>,
  filter: AuditFilter,
  signal: AbortSignal,
): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await store.query(filter, { limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) });
    if (page.items.length > 0) yield page.items.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    cursor = page.next;
  } while (cursor !== undefined && !signal.aborted);
}
