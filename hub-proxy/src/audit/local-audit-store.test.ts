import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from './audit-entry.js';
import { DayPartitionedAuditStore } from './audit-store.js';
import { LocalAuditDays } from './local-audit-days.js';
import { auditEntryFixture } from './testing/audit-entry-fixture.js';

let dir: string;
let store: DayPartitionedAuditStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'turing-audit-'));
  store = new DayPartitionedAuditStore(new LocalAuditDays(join(dir, 'audit')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
function entry(time: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  serial++;
  return auditEntryFixture({
    id: `${time.replace(/[-:]/g, '')}-req${serial}-000000`,
    time,
    requestId: `req${serial}`,
    ...extra,
  });
}

describe('the local audit store', () => {
  it('appends JSON lines to one file per UTC day, private to hub-proxy', async () => {
    await store.append([entry('2026-11-30T23:59:59.999Z'), entry('2026-12-01T00:00:00.000Z')]);
    await store.append([entry('2026-12-01T08:00:00.000Z')]);
    expect(readdirSync(join(dir, 'audit')).sort()).toEqual(['2026-11-30.jsonl', '2026-12-01.jsonl']);
    const lines = readFileSync(join(dir, 'audit', '2026-12-01.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => (JSON.parse(l) as AuditEntry).time)).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T08:00:00.000Z',
    ]);
    expect(statSync(join(dir, 'audit', '2026-12-01.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('answers newest first across days and pages with a cursor without gaps or repeats', async () => {
    const all = [
      entry('2026-11-29T10:00:00.000Z'),
      entry('2026-11-30T10:00:00.000Z'),
      entry('2026-12-01T10:00:00.000Z'),
      entry('2026-12-01T10:00:00.000Z'),
      entry('2026-12-01T11:00:00.000Z'),
    ];
    await store.append(all);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.query({}, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 10);
    const expected = [...all].sort((a, b) =>
      a.time === b.time ? b.id.localeCompare(a.id) : b.time.localeCompare(a.time),
    );
    expect(seen).toEqual(expected.map((e) => e.id));
    expect(pages).toBe(3);
  });

  it('filters by actor, action, kind, object, outcome and time', async () => {
    const bobs = entry('2026-12-01T09:00:00.000Z', {
      actor: { name: 'bob', kind: 'user', admin: false },
      result: { status: 403, outcome: 'denied' },
    });
    const model = entry('2026-12-01T10:00:00.000Z', {
      action: 'deleteModel',
      object: { kind: 'model', name: 'ctr' },
    });
    const early = entry('2026-11-20T10:00:00.000Z');
    await store.append([bobs, model, early]);
    const ids = async (filter: Parameters<typeof store.query>[0]) =>
      (await store.query(filter, { limit: 50 })).items.map((e) => e.id);
    expect(await ids({ actor: 'bob' })).toEqual([bobs.id]);
    expect(await ids({ outcome: 'denied' })).toEqual([bobs.id]);
    expect(await ids({ action: 'deleteModel' })).toEqual([model.id]);
    expect(await ids({ kind: 'model', object: 'ctr' })).toEqual([model.id]);
    expect(await ids({ object: 'nothing' })).toEqual([]);
    expect(await ids({ since: new Date('2026-12-01T09:30:00Z') })).toEqual([model.id]);
    expect(await ids({ until: new Date('2026-12-01T00:00:00Z') })).toEqual([early.id]);
  });

  it('reads at most 14 days per page and continues from there when a filter matches little', async () => {
    const daily = Array.from({ length: 20 }, (_, i) =>
      entry(new Date(Date.UTC(2026, 10, 1 + i, 12)).toISOString(), {
        actor: { name: i === 0 ? 'carol' : 'alice', kind: 'user', admin: false },
      }),
    );
    await store.append(daily);
    const first = await store.query({ actor: 'carol' }, { limit: 10 });
    expect(first.items).toEqual([]);
    expect(first.next).toEqual(expect.any(String));
    const second = await store.query(
      { actor: 'carol' },
      { limit: 10, ...(first.next ? { cursor: first.next } : {}) },
    );
    expect(second.items.map((e) => e.id)).toEqual([daily[0]?.id]);
    expect(second.next).toBeUndefined();
    // Unfiltered, the same cursor neither repeats nor skips a day.
    const rest = await store.query({}, { limit: 50, ...(first.next ? { cursor: first.next } : {}) });
    expect(rest.items.map((e) => e.id)).toEqual(
      daily
        .slice(0, 6)
        .reverse()
        .map((e) => e.id),
    );
  });

  it('refuses a cursor it did not make, naming the field', async () => {
    await expect(store.query({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toMatchObject({
      kind: 'invalid-input',
      errors: [{ field: 'query.cursor' }],
    });
  });

  it('skips a torn line instead of failing the whole day', async () => {
    const good = entry('2026-12-01T10:00:00.000Z');
    await store.append([good]);
    appendFileSync(join(dir, 'audit', '2026-12-01.jsonl'), '{"id":"half');
    expect((await store.query({}, { limit: 10 })).items.map((e) => e.id)).toEqual([good.id]);
  });

  it('sweeps whole days that ended before the cutoff and keeps the rest', async () => {
    await store.append([
      entry('2026-08-01T10:00:00.000Z'),
      entry('2026-09-01T23:59:59.000Z'),
      entry('2026-09-02T00:00:00.000Z'),
    ]);
    expect(await store.sweep(new Date('2026-09-02T12:00:00Z'))).toEqual(
      expect.arrayContaining(['2026-08-01', '2026-09-01']),
    );
    expect(readdirSync(join(dir, 'audit'))).toEqual(['2026-09-02.jsonl']);
    expect((await store.query({}, { limit: 10 })).items).toHaveLength(1);
    expect(await store.sweep(new Date('2026-09-02T12:00:00Z'))).toEqual([]);
  });

  it('answers an empty log before anything was written', async () => {
    expect(await store.query({}, { limit: 10 })).toEqual({ items: [] });
    expect(await store.sweep(new Date())).toEqual([]);
  });
});
