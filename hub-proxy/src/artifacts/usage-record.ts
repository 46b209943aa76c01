/**
 * The per-owner usage record: the bytes an owner prefix holds, kept up to
 * date by every put and delete so a put never lists the owner's objects.
 * Both backends store it beside (never among) the objects, as small JSON.
 */
export interface UsageRecord {
  /** Bytes of all objects under the owner prefix. */
  bytes: number;
  /** ISO time of the last full recount (a listing); later changes are deltas. */
  countedAt: string;
}

/** A record older than this is recounted on its next use, so drift lasts at most this long. */
export const DEFAULT_RECOUNT_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The record as stored. */
export function encodeUsageRecord(record: UsageRecord): string {
  return JSON.stringify({ v: 1, bytes: record.bytes, countedAt: record.countedAt });
}

/** The stored record, or undefined if it is unreadable (then it is recounted, never trusted). */
export function decodeUsageRecord(text: string): UsageRecord | undefined {
  try {
    const parsed = JSON.parse(text) as { v?: unknown; bytes?: unknown; countedAt?: unknown };
    if (
      parsed.v === 1 &&
      typeof parsed.bytes === 'number' &&
      Number.isSafeInteger(parsed.bytes) &&
      parsed.bytes >= 0 &&
      typeof parsed.countedAt === 'string' &&
      !Number.isNaN(Date.parse(parsed.countedAt))
    ) {
      return { bytes: parsed.bytes, countedAt: parsed.countedAt };
    }
  } catch {
    // Fall through: a torn or foreign file is recounted.
  }
  return undefined;
}

/** The record after `delta` bytes were added (negative: removed); never below zero. */
export function withDelta(record: UsageRecord, delta: number): UsageRecord {
  return { bytes: Math.max(0, record.bytes + delta), countedAt: record.countedAt };
}

/** Whether `record` is due for a recount at `now`. */
export function isStale(record: UsageRecord, recountIntervalMs: number, now = Date.now()): boolean {
  return now - Date.parse(record.countedAt) >= recountIntervalMs;
}
