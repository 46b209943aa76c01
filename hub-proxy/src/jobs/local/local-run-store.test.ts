import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../model.js';
import { LocalRunStore } from './local-run-store.js';

function record(id: string, createdAt: string, jobObjectName = 'job-abc123'): RunRecord {
  return {
    id,
    jobObjectName,
    job: 'job',
    owner: 'alice',
    state: 'queued',
    trigger: 'manual',
    attempt: 0,
    createdAt,
    markers: [],
  };
}

describe('LocalRunStore', () => {
  let dir: string;
  let store: LocalRunStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runs-'));
    store = new LocalRunStore(dir);
    await store.load();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('persists records as JSON files that a new store loads', async () => {
    await store.create(record('r1', '2030-01-01T00:00:00.000Z'));
    await store.update('r1', (r) => void (r.state = 'running'));
    expect(JSON.parse(await readFile(join(dir, 'r1.json'), 'utf8'))).toMatchObject({
      id: 'r1',
      state: 'running',
    });
    const reopened = new LocalRunStore(dir);
    await reopened.load();
    expect(reopened.get('r1')).toMatchObject({ id: 'r1', state: 'running' });
  });

  it('does not overwrite an existing id on create', async () => {
    expect(await store.create(record('r1', '2030-01-01T00:00:00.000Z'))).toBeDefined();
    expect(
      await store.create({ ...record('r1', '2031-01-01T00:00:00.000Z'), state: 'failed' }),
    ).toBeUndefined();
    expect(store.get('r1')?.state).toBe('queued');
  });

  it('lists one job newest first', async () => {
    await store.create(record('old', '2030-01-01T00:00:00.000Z'));
    await store.create(record('new', '2030-01-02T00:00:00.000Z'));
    await store.create(record('other', '2030-01-03T00:00:00.000Z', 'other-abc123'));
    expect(store.list('job-abc123').map((r) => r.id)).toEqual(['new', 'old']);
  });

  it('hands each marker to exactly one of many concurrent claims, also after a reload', async () => {
    await store.create(record('r1', '2030-01-01T00:00:00.000Z'));
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimMarker('r1', 'alerts')));
    expect(claims.filter((c) => c === true)).toHaveLength(1);
    const reopened = new LocalRunStore(dir);
    await reopened.load();
    expect(await reopened.claimMarker('r1', 'alerts')).toBe(false);
    expect(await reopened.claimMarker('r1', 'dependents')).toBe(true);
    expect(await reopened.claimMarker('missing', 'alerts')).toBeUndefined();
  });

  it('returns copies, so callers cannot change stored records by accident', async () => {
    await store.create(record('r1', '2030-01-01T00:00:00.000Z'));
    const copy = store.get('r1');
    if (copy) copy.state = 'failed';
    expect(store.get('r1')?.state).toBe('queued');
  });

  it('deletes the record and its file', async () => {
    await store.create(record('r1', '2030-01-01T00:00:00.000Z'));
    expect(await store.delete('r1')).toBe(true);
    expect(store.get('r1')).toBeUndefined();
    await expect(readFile(join(dir, 'r1.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses ids that are not safe file names', async () => {
    await expect(store.create(record('../x', '2030-01-01T00:00:00.000Z'))).rejects.toThrow(/invalid run id/);
  });
});
