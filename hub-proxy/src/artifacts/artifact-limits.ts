import { QuotaExceeded, TooLarge } from '../errors/index.js';
import { ownerPrefixOf } from './artifact-key.js';

/** The most bytes an owner prefix (`users/<slug>/`) may hold, looked up per put (the `artifactBytes` quota). */
export type OwnerBytesLimit = (ownerPrefix: string) => Promise<number>;

/** Size limits every artifact backend enforces on `put`. */
export interface ArtifactLimits {
  /** Largest single object, in bytes. */
  maxObjectBytes: number;
  /** Most bytes one owner prefix may hold in total: one number for all, or looked up per owner. */
  maxOwnerBytes: number | OwnerBytesLimit;
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `52428800` -> `50 MiB`, `1536` -> `1.5 KiB`: sizes for error messages. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : String(Math.round(value * 10) / 10);
  return `${shown} ${UNITS[unit]}`;
}

/** Counts the bytes of one `put` as they arrive; throws as soon as a limit is passed. */
export interface PutMeter {
  /** Bytes counted so far. */
  readonly bytes: number;
  /** Counts `n` more bytes; throws TooLarge past a limit. */
  add(n: number): void;
  /** Stops counting this put against the owner (call once, in `finally`). */
  close(): void;
}

/** The 403 `artifactBytes` error: the owner's objects would pass `maxOwnerBytes`. */
export function ownerQuotaExceeded(
  ownerPrefix: string,
  maxOwnerBytes: number,
  used: number,
  storedBytes: number,
): QuotaExceeded {
  return new QuotaExceeded(
    'artifactBytes',
    maxOwnerBytes,
    used,
    `Quota artifactBytes exceeded: the artifacts under ${ownerPrefix} would be over their ` +
      `${formatBytes(maxOwnerBytes)} total limit (${formatBytes(storedBytes)} stored); ` +
      'delete old runs or models, or ask an admin to raise the quota.',
    undefined,
    { persistence: 'permanent' },
  );
}

/**
 * The check made when a put commits, against the owner's latest usage record
 * (read under the backend's lock or compare-and-swap): `delta` is the new
 * object's size minus the one it replaces. Growth past `maxOwnerBytes` throws;
 * a put that does not grow the total always passes, so an owner over a
 * lowered limit can still shrink.
 */
export function checkCommit(
  ownerPrefix: string,
  recordBytes: number,
  delta: number,
  maxOwnerBytes: number,
): void {
  if (delta > 0 && recordBytes + delta > maxOwnerBytes) {
    throw ownerQuotaExceeded(ownerPrefix, maxOwnerBytes, recordBytes, recordBytes);
  }
}

/**
 * Enforces {@link ArtifactLimits} while bodies stream in, so an over-limit
 * body is stopped early. Bytes of puts still in progress count against their
 * owner too, so two concurrent uploads in this process cannot each use the
 * whole remaining allowance. This is the early check only: the binding one
 * is {@link checkCommit} at commit, against the usage record every replica
 * updates.
 */
export class ArtifactQuota {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly limits: ArtifactLimits) {}

  /**
   * Starts metering a put of `key` into `store`: the owner is the key's
   * prefix, and the owner's stored bytes exclude the object the put replaces.
   */
  async openPut(
    key: string,
    store: {
      usage(ownerPrefix: string): Promise<number>;
      head(key: string): Promise<{ sizeBytes: number } | undefined>;
    },
  ): Promise<{ owner: string; meter: PutMeter; maxOwnerBytes: number }> {
    const owner = ownerPrefixOf(key);
    const [stored, previous, maxOwnerBytes] = await Promise.all([
      store.usage(owner),
      store.head(key),
      this.ownerLimit(owner),
    ]);
    return {
      owner,
      maxOwnerBytes,
      meter: this.open(owner, Math.max(0, stored - (previous?.sizeBytes ?? 0)), maxOwnerBytes),
    };
  }

  /** The most bytes `ownerPrefix` may hold. */
  ownerLimit(ownerPrefix: string): Promise<number> {
    const { maxOwnerBytes } = this.limits;
    return typeof maxOwnerBytes === 'number' ? Promise.resolve(maxOwnerBytes) : maxOwnerBytes(ownerPrefix);
  }

  /**
   * Starts metering a put under `ownerPrefix`. `storedBytes` is what the
   * owner holds now, not counting the object the put replaces; past
   * `maxOwnerBytes` (default: the fixed limit) the put fails with
   * QuotaExceeded (403, quota `artifactBytes`).
   */
  open(
    ownerPrefix: string,
    storedBytes: number,
    maxOwnerBytes = typeof this.limits.maxOwnerBytes === 'number' ? this.limits.maxOwnerBytes : Infinity,
  ): PutMeter {
    const { maxObjectBytes } = this.limits;
    const inFlight = this.inFlight;
    let bytes = 0;
    let closed = false;
    const release = (n: number) => {
      const left = (inFlight.get(ownerPrefix) ?? 0) - n;
      if (left > 0) inFlight.set(ownerPrefix, left);
      else inFlight.delete(ownerPrefix);
    };
    return {
      get bytes() {
        return bytes;
      },
      add(n: number) {
        if (closed) throw new Error('PutMeter used after close');
        if (bytes + n > maxObjectBytes) {
          throw new TooLarge(`The artifact is over the ${formatBytes(maxObjectBytes)} limit.`);
        }
        const othersInFlight = (inFlight.get(ownerPrefix) ?? 0) - bytes;
        if (storedBytes + othersInFlight + bytes + n > maxOwnerBytes) {
          throw ownerQuotaExceeded(
            ownerPrefix,
            maxOwnerBytes,
            storedBytes + othersInFlight + bytes,
            storedBytes,
          );
        }
        bytes += n;
        inFlight.set(ownerPrefix, (inFlight.get(ownerPrefix) ?? 0) + n);
      },
      close() {
        if (closed) return;
        closed = true;
        release(bytes);
      },
    };
  }
}
