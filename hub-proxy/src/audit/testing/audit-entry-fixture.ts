import type { AuditEntry } from '../audit-entry.js';

/**
 * An audit entry for store and route tests: alice's successful `updateJob`
 * PATCH of her job `a`; `fields` name the entry and replace any other part.
 */
export function auditEntryFixture(
  fields: Pick<AuditEntry, 'id' | 'time' | 'requestId'> & Partial<AuditEntry>,
): AuditEntry {
  return {
    actor: { name: 'alice', kind: 'user', admin: false },
    action: 'updateJob',
    method: 'PATCH',
    path: '/services/turing/api/v1/jobs/a',
    object: { kind: 'job', name: 'a', owner: 'alice' },
    result: { status: 200, outcome: 'success' },
    ...fields,
  };
}
