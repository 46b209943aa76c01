import type { RequestObserver } from '../feature.js';
import { isAudited, toAuditEntry } from './audit-entry-builder.js';
import type { AuditWriteQueue } from './audit-write-queue.js';

/** The request observer that queues one audit entry per state-changing call. */
export function auditRecorder(queue: Pick<AuditWriteQueue, 'enqueue'>): RequestObserver {
  return (request) => {
    if (isAudited(request)) queue.enqueue(toAuditEntry(request));
  };
}
