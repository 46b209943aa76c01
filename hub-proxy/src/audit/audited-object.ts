import type { AuditObject } from './audit-entry.js';

/** Path collections and the object kind each holds. */
const COLLECTION_KINDS: Readonly<Record<string, string>> = {
  jobs: 'job',
  runs: 'run',
  models: 'model',
  'api-keys': 'apiKey',
  environments: 'environment',
  quotas: 'quotas',
};

/** Routes whose object the path does not name. */
const OPERATION_KINDS: Readonly<Record<string, string>> = {
  switchServer: 'server',
  checkSpawnQuota: 'server',
};

/** Kinds that belong to nobody (the catalog, the quotas). */
const SHARED_KINDS = new Set(['environment', 'quotas']);

/** What {@link auditedObject} reads of a call. */
export interface AuditedCall {
  operationId: string;
  /** The route's path pattern: `/api/v1/jobs/:name`. */
  pattern: string;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, unknown>>;
  body: unknown;
  /** Whose object it was, when the handler said (an admin acting on someone's model). */
  subjectOwner?: string;
  /** The caller's name, for objects of their own; absent for runners and anonymous callers. */
  actorName?: string;
}

/**
 * The object a call acts on. The kind comes from the deepest
 * `collection/:param` pair of the path (`/jobs/:name/runs` acts on the
 * job, `/runs/:id` on the run); a collection without a param is a create,
 * named by the body's `name` or `id`. The owner is `?user=`, else whose object
 * the handler said it was, else the caller.
 */
export function auditedObject(call: AuditedCall): AuditObject {
  const segments = call.pattern
    .replace(/^\/api\/v\d+\//, '')
    .split('/')
    .filter((s) => s !== '');
  let kind: string | undefined = OPERATION_KINDS[call.operationId];
  let name: string | undefined;
  if (kind === undefined) {
    for (let i = 0; i < segments.length; i++) {
      const collection = COLLECTION_KINDS[segments[i] ?? ''];
      if (collection === undefined) continue;
      const next = segments[i + 1];
      if (next?.startsWith(':')) {
        kind = collection;
        name = call.params[next.slice(1)];
        i++;
      } else if (kind === undefined) {
        kind = collection;
        name = bodyName(call.body);
      }
    }
  }
  const object: AuditObject = { kind: kind ?? segments[0] ?? 'unknown' };
  if (name !== undefined) object.name = name;
  const owner =
    typeof call.query.user === 'string' && call.query.user !== ''
      ? call.query.user
      : (call.subjectOwner ?? call.actorName);
  if (owner !== undefined && !SHARED_KINDS.has(object.kind)) object.owner = owner;
  return object;
}

function bodyName(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { name, id } = body as { name?: unknown; id?: unknown };
  if (typeof name === 'string') return name.slice(0, 253);
  if (typeof id === 'string') return id.slice(0, 253);
  return undefined;
}
