import { describe, expect, it } from 'vitest';
import { alice } from '../auth/testing/identities.js';
import type { ObservedRequest } from '../feature.js';
import { auditEntrySchema } from './audit-entry.js';
import { isAudited, toAuditEntry } from './audit-entry-builder.js';

function observed(extra: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    route: { operationId: 'updateJob', method: 'patch', path: '/api/v1/jobs/:name', auth: 'user' },
    path: '/services/turing/api/v1/jobs/nightly',
    params: { name: 'nightly' },
    query: {},
    body: { schedule: { suspend: true } },
    identity: alice,
    status: 200,
    completed: true,
    requestId: 'req:1',
    receivedAt: new Date('2026-12-01T10:00:00.123Z'),
    ...extra,
  };
}

describe('toAuditEntry', () => {
  it('records who, what, which object, the change, the result and the request id', () => {
    const entry = toAuditEntry(observed());
    expect(auditEntrySchema.parse(entry)).toEqual(entry);
    expect(entry).toMatchObject({
      time: '2026-12-01T10:00:00.123Z',
      requestId: 'req:1',
      actor: { name: 'alice', kind: 'user', admin: false },
      action: 'updateJob',
      method: 'PATCH',
      path: '/services/turing/api/v1/jobs/nightly',
      object: { kind: 'job', name: 'nightly', owner: 'alice' },
      change: { schedule: { suspend: true } },
      result: { status: 200, outcome: 'success' },
    });
    // Sortable by time, names the request, and only characters a ConfigMap key allows.
    expect(entry.id).toMatch(/^20261201T100000\.123Z-req_1-[0-9a-f]{6}$/);
    expect(toAuditEntry(observed()).id).not.toBe(entry.id);
  });

  it('calls 401 and 403 denied, other errors failures', () => {
    expect(toAuditEntry(observed({ status: 403 })).result.outcome).toBe('denied');
    const anonymous = toAuditEntry(observed({ status: 401, identity: undefined }));
    expect(anonymous.result.outcome).toBe('denied');
    expect(anonymous.actor).toEqual({ name: 'anonymous', kind: 'anonymous', admin: false });
    expect(anonymous.object.owner).toBeUndefined();
    expect(toAuditEntry(observed({ status: 409 })).result.outcome).toBe('failure');
    expect(toAuditEntry(observed({ status: 500 })).result.outcome).toBe('failure');
  });

  it('calls runner-route callers runners and records an upload by its size', () => {
    const entry = toAuditEntry(
      observed({
        route: {
          operationId: 'putRunnerArtifact',
          method: 'put',
          path: '/api/v1/runner/runs/:id/artifacts/:file',
          auth: 'none',
        },
        params: { id: 'r-1', file: 'log.txt' },
        identity: undefined,
        body: undefined,
        rawBodyBytes: 321,
        status: 201,
      }),
    );
    expect(entry.actor).toEqual({ name: 'runner', kind: 'runner', admin: false });
    expect(entry.object).toEqual({ kind: 'run', name: 'r-1' });
    expect(entry.change).toEqual({ bytes: 321 });
  });

  it('audits writes only', () => {
    expect(isAudited(observed())).toBe(true);
    const get = observed({
      route: { operationId: 'getJob', method: 'get', path: '/api/v1/jobs/:name', auth: 'user' },
    });
    expect(isAudited(get)).toBe(false);
  });
});
