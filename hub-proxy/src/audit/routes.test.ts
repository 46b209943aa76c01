import { afterEach, describe, expect, it } from 'vitest';
import { closeTestApps, serveTestApp } from '../testing/serve-test-app.js';
import type { AuditEntry } from './audit-entry.js';
import { DayPartitionedAuditStore, type AuditDays } from './audit-store.js';
import { auditRoutes } from './routes.js';
import { auditEntryFixture } from './testing/audit-entry-fixture.js';

/** In-memory days: the unit under test is the routes, not a backend. */
class MemoryDays implements AuditDays {
  readonly byDay = new Map<string, AuditEntry[]>();
  days = async () => [...this.byDay.keys()];
  read = async (day: string) => this.byDay.get(day) ?? [];
  append = async (day: string, entries: readonly AuditEntry[]) =>
    void this.byDay.set(day, [...(this.byDay.get(day) ?? []), ...entries]);
  delete = async (day: string) => void this.byDay.delete(day);
}

const entry = (n: number, time: string): AuditEntry =>
  auditEntryFixture({
    id: `${time}-${n}`,
    time,
    requestId: `r${n}`,
    actor: { name: n % 2 ? 'alice' : 'bob', kind: 'user', admin: false },
  });

afterEach(closeTestApps);

async function serve(): Promise<string> {
  const days = new MemoryDays();
  const store = new DayPartitionedAuditStore(days);
  await store.append([
    entry(1, '2026-11-30T10:00:00.000Z'),
    entry(2, '2026-12-01T10:00:00.000Z'),
    entry(3, '2026-12-01T11:00:00.000Z'),
  ]);
  const origin = await serveTestApp({
    routes: auditRoutes(store, 90, () => new Date('2026-12-01T12:00:00Z')),
  });
  return `${origin}/services/turing/api/v1/admin/audit`;
}

const as = (token: string) => ({ headers: { Authorization: `token ${token}` } });

describe('the audit routes', () => {
  it('list newest first with filters and a cursor', async () => {
    const base = await serve();
    const first = (await (await fetch(`${base}?limit=2`, as('root-token'))).json()) as {
      items: AuditEntry[];
      next?: string;
    };
    expect(first.items.map((e) => e.requestId)).toEqual(['r3', 'r2']);
    expect(first.next).toEqual(expect.any(String));
    const second = (await (
      await fetch(`${base}?limit=2&cursor=${first.next ?? ''}`, as('root-token'))
    ).json()) as { items: AuditEntry[]; next?: string };
    expect(second.items.map((e) => e.requestId)).toEqual(['r1']);
    expect(second.next).toBeUndefined();
    const alices = (await (await fetch(`${base}?actor=alice`, as('root-token'))).json()) as {
      items: AuditEntry[];
    };
    expect(alices.items.map((e) => e.requestId)).toEqual(['r3', 'r1']);
  });

  it('export JSON lines as an attachment named for the days covered', async () => {
    const base = await serve();
    const res = await fetch(`${base}/export?since=2026-11-01T00:00:00Z`, as('root-token'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="turing-audit-2026-11-01-2026-12-01.jsonl"',
    );
    const lines = (await res.text()).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as AuditEntry).requestId)).toEqual(['r3', 'r2', 'r1']);
  });

  it('refuse non-admins (403) and bad filters (400 naming the field)', async () => {
    const base = await serve();
    expect((await fetch(base, as('alice-token'))).status).toBe(403);
    expect((await fetch(`${base}/export`, as('alice-token'))).status).toBe(403);
    expect((await fetch(base)).status).toBe(401);
    const bad = await fetch(`${base}?since=yesterday&outcome=maybe`, as('root-token'));
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['query.outcome', 'query.since']);
    const backwards = await fetch(
      `${base}?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z`,
      as('root-token'),
    );
    expect(backwards.status).toBe(400);
    const cursor = await fetch(`${base}?cursor=garbage`, as('root-token'));
    expect(cursor.status).toBe(400);
    expect(((await cursor.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
      'query.cursor',
    );
  });
});
