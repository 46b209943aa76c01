import { randomBytes } from 'node:crypto';
import type { ObservedRequest } from '../feature.js';
import type { AuditActor, AuditEntry, AuditOutcome } from './audit-entry.js';
import { auditedObject } from './audited-object.js';
import { summarizeChange } from './change-summary.js';

/** Methods that change nothing, so are not audited. */
const READ_METHODS = new Set(['get', 'head', 'options']);

/** Runner routes authenticate with run tokens, not hub identities. */
const RUNNER_PATH = /^\/api\/v\d+\/runner\//;

/** True for the calls the audit log records: every declared route that may change state. */
export function isAudited(request: ObservedRequest): boolean {
  return !READ_METHODS.has(request.route.method.toLowerCase());
}

/** The audit entry of one finished call. */
export function toAuditEntry(request: ObservedRequest): AuditEntry {
  const actor = actorOf(request);
  const time = request.receivedAt.toISOString();
  const entry: AuditEntry = {
    id: auditEntryId(time, request.requestId),
    time,
    requestId: request.requestId,
    actor,
    action: request.route.operationId,
    method: request.route.method.toUpperCase(),
    path: request.path,
    object: auditedObject({
      operationId: request.route.operationId,
      pattern: request.route.path,
      params: request.params,
      query: request.query,
      body: request.body,
      ...(request.subjectOwner ? { subjectOwner: request.subjectOwner } : {}),
      ...(actor.kind === 'user' || actor.kind === 'service' ? { actorName: actor.name } : {}),
    }),
    result: { status: request.status, outcome: outcomeOf(request.status) },
  };
  if (request.body !== undefined) entry.change = summarizeChange(request.body);
  else if (request.rawBodyBytes !== undefined) entry.change = { bytes: request.rawBodyBytes };
  return entry;
}

/**
 * `<time>-<request id>-<random>`: sorts by time, names the request, and is
 * unique even when a caller reuses a request id. Only the characters a
 * ConfigMap key allows.
 */
export function auditEntryId(isoTime: string, requestId: string): string {
  const compact = isoTime.replace(/[-:]/g, '');
  const safeId = requestId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128) || 'none';
  return `${compact}-${safeId}-${randomBytes(3).toString('hex')}`;
}

function actorOf(request: ObservedRequest): AuditActor {
  const { identity } = request;
  if (identity) return { name: identity.name, kind: identity.kind, admin: identity.isAdmin };
  if (RUNNER_PATH.test(request.route.path)) return { name: 'runner', kind: 'runner', admin: false };
  return { name: 'anonymous', kind: 'anonymous', admin: false };
}

/** 401 and 403 are refusals; any other 4xx or 5xx a failure. */
function outcomeOf(status: number): AuditOutcome {
  if (status === 401 || status === 403) return 'denied';
  return status >= 400 ? 'failure' : 'success';
}
