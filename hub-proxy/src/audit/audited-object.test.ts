import { describe, expect, it } from 'vitest';
import { auditedObject, type AuditedCall } from './audited-object.js';

const call = (pattern: string, extra: Partial<AuditedCall> = {}): AuditedCall => ({
  operationId: 'op',
  pattern,
  params: {},
  query: {},
  body: undefined,
  actorName: 'alice',
  ...extra,
});

describe('auditedObject', () => {
  it('owns the object by whoever the handler named, not the admin acting on it', () => {
    expect(
      auditedObject(
        call('/api/v1/models/:name/api-keys/:id', {
          params: { name: 'ctr', id: 'k1' },
          actorName: 'root',
          subjectOwner: 'alice',
        }),
      ),
    ).toMatchObject({ kind: 'apiKey', name: 'k1', owner: 'alice' });
  });

  it('names the object of the deepest collection/:param pair, owned by the caller', () => {
    expect(auditedObject(call('/api/v1/jobs/:name', { params: { name: 'nightly' } }))).toEqual({
      kind: 'job',
      name: 'nightly',
      owner: 'alice',
    });
    expect(auditedObject(call('/api/v1/runs/:id', { params: { id: 'r-1' } }))).toEqual({
      kind: 'run',
      name: 'r-1',
      owner: 'alice',
    });
    expect(
      auditedObject(call('/api/v1/models/:name/api-keys/:id', { params: { name: 'ctr', id: 'k1' } })),
    ).toMatchObject({ kind: 'apiKey', name: 'k1' });
  });

  it('treats trailing segments as actions on the object before them', () => {
    expect(auditedObject(call('/api/v1/jobs/:name/runs', { params: { name: 'nightly' } }))).toMatchObject({
      kind: 'job',
      name: 'nightly',
    });
    expect(
      auditedObject(
        call('/api/v1/models/:name/uploads/:uploadId/commit', { params: { name: 'ctr', uploadId: 'u' } }),
      ),
    ).toMatchObject({ kind: 'model', name: 'ctr' });
  });

  it('names a created object from the body', () => {
    expect(auditedObject(call('/api/v1/jobs', { body: { name: 'fresh' } }))).toEqual({
      kind: 'job',
      name: 'fresh',
      owner: 'alice',
    });
    expect(auditedObject(call('/api/v1/admin/environments', { body: { id: 'gpu-torch' } }))).toEqual({
      kind: 'environment',
      name: 'gpu-torch',
    });
  });

  it('takes the owner from ?user= (an admin acting on a user’s object)', () => {
    expect(
      auditedObject(
        call('/api/v1/jobs/:name', { params: { name: 'n' }, query: { user: 'bob' }, actorName: 'root' }),
      ),
    ).toEqual({ kind: 'job', name: 'n', owner: 'bob' });
  });

  it('gives shared objects no owner, and runner calls none either', () => {
    expect(auditedObject(call('/api/v1/admin/quotas'))).toEqual({ kind: 'quotas' });
    expect(auditedObject(call('/api/v1/admin/environments/:id', { params: { id: 'cpu-base' } }))).toEqual({
      kind: 'environment',
      name: 'cpu-base',
    });
    const { actorName: _none, ...runner } = call('/api/v1/runner/runs/:id/progress', {
      params: { id: 'r-2' },
    });
    expect(auditedObject(runner)).toEqual({ kind: 'run', name: 'r-2' });
  });

  it('uses the operation table where the path names no object', () => {
    expect(auditedObject(call('/api/v1/me/server', { operationId: 'switchServer' }))).toEqual({
      kind: 'server',
      owner: 'alice',
    });
  });
});
