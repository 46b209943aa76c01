import { z } from 'zod';
import { InvalidInput } from '../errors/index.js';
import { cursorState, encodeCursor } from '../http/pagination.js';
import { matchesAuditFilter, newestFirst, type AuditEntry, type AuditFilter } from './audit-entry.js';

/** One page request: how many entries, and where the previous page stopped. */
export interface AuditPageRequest {
  limit: number;
  /** Opaque, from the previous page's `next`. */
  cursor?: string;
}

/** A page of entries, newest first; `next` when older ones may follow. */
export interface AuditPage {
  items: AuditEntry[];
  next?: string;
}

/** Where audit entries are kept (ConfigMaps per day, or files per day). */
export interface AuditStore {
  /** Appends entries; resolves once they are durable. */
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Matching entries, newest first. */
  query(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage>;
  /** Deletes every day that ended before `olderThan`; resolves to the days deleted. */
  sweep(olderThan: Date): Promise<string[]>;
}

/**
 * Storage split by UTC day (`yyyy-mm-dd`), which {@link DayPartitionedAuditStore}
 * turns into an {@link AuditStore}. Appends only add: they never rewrite
 * what is stored, so replicas cannot overwrite each other.
 */
export interface AuditDays {
  /** The days that hold entries, in any order. */
  days(): Promise<string[]>;
  /** Every entry of `day` (unparsable ones skipped), in any order. */
  read(day: string): Promise<AuditEntry[]>;
  /** Adds entries that all fall on `day`. */
  append(day: string, entries: readonly AuditEntry[]): Promise<void>;
  /** Removes the day; a day already gone is fine. */
  delete(day: string): Promise<void>;
}

/** Days one query page reads at most before answering with what it found and a cursor. */
const MAX_DAYS_PER_PAGE = 14;

const cursorSchema = z.object({ t: z.string().max(64), i: z.string().max(400) });

/** The UTC day of an ISO time or a date. */
export function dayOf(time: string | Date): string {
  return (typeof time === 'string' ? time : time.toISOString()).slice(0, 10);
}

/** The query and sweep logic of a day-partitioned store, shared by both runtimes. */
export class DayPartitionedAuditStore implements AuditStore {
  constructor(private readonly storage: AuditDays) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    const byDay = new Map<string, AuditEntry[]>();
    for (const entry of entries) {
      const day = dayOf(entry.time);
      byDay.set(day, [...(byDay.get(day) ?? []), entry]);
    }
    for (const [day, dayEntries] of byDay) await this.storage.append(day, dayEntries);
  }

  async query(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const first = filter.since ? dayOf(filter.since) : '0000-00-00';
    const last = minDay(
      filter.until ? dayOf(filter.until) : '9999-99-99',
      after ? lastDayOf(after) : undefined,
    );
    const days = (await this.storage.days())
      .filter((d) => d >= first && d <= last)
      .sort()
      .reverse();
    const items: AuditEntry[] = [];
    let read = 0;
    for (const day of days) {
      if (read === MAX_DAYS_PER_PAGE) {
        // Not full yet, but enough work for one call: continue below the days read.
        return { items, next: encodeCursor({ t: `${nextDay(day)}T00:00:00.000Z`, i: '' }) };
      }
      read++;
      const matching = (await this.storage.read(day))
        .filter((e) => matchesAuditFilter(e, filter) && (!after || isOlder(e, after)))
        .sort(newestFirst);
      for (const entry of matching) {
        if (items.length === page.limit) {
          const lastItem = items[items.length - 1] as AuditEntry;
          return { items, next: encodeCursor({ t: lastItem.time, i: lastItem.id }) };
        }
        items.push(entry);
      }
    }
    return { items };
  }

  async sweep(olderThan: Date): Promise<string[]> {
    const cutoff = dayOf(olderThan);
    const expired = (await this.storage.days()).filter((d) => d < cutoff);
    for (const day of expired) await this.storage.delete(day);
    return expired;
  }
}

function isOlder(entry: AuditEntry, than: { t: string; i: string }): boolean {
  return entry.time < than.t || (entry.time === than.t && entry.id < than.i);
}

/** The newest day a cursor can still have entries on: a day boundary (`i` empty) excludes its own day. */
function lastDayOf(cursor: { t: string; i: string }): string {
  return cursor.i === '' ? dayOf(new Date(Date.parse(cursor.t) - 1)) : dayOf(cursor.t);
}

function minDay(a: string, b: string | undefined): string {
  return b !== undefined && b < a ? b : a;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
}

function decodeCursor(cursor: string): { t: string; i: string } {
  const parsed = cursorSchema.safeParse(cursorState(cursor));
  if (!parsed.success || Number.isNaN(Date.parse(parsed.data.t))) {
    throw new InvalidInput([{ field: 'query.cursor', message: 'invalid or expired cursor' }]);
  }
  return parsed.data;
}
