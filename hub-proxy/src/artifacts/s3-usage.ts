import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { Unavailable } from '../errors/index.js';
import { USAGE_RECORD_ROOT, validateOwnerPrefix } from './artifact-key.js';
import { KeyedMutex } from './keyed-mutex.js';
import { decodeUsageRecord, encodeUsageRecord, type UsageRecord } from './usage-record.js';

/** Compare-and-swap attempts before a change gives up (only other replicas' changes make one fail). */
const CAS_ATTEMPTS = 12;

/** What the S3 ledger needs of its store. */
export interface S3UsageLedgerOptions {
  client: S3Client;
  bucket: string;
  /** Wraps every S3 call (turns SDK failures into domain errors). */
  send<T>(operation: string, call: () => Promise<T>): Promise<T>;
  /** The bytes under an owner prefix, by one listing. */
  count(ownerPrefix: string): Promise<number>;
}

interface Versioned {
  record: UsageRecord;
  etag: string;
}

/** S3 refused a conditional write: someone else changed (or created) the record first. */
function lostRace(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (!(cause instanceof S3ServiceException)) return false;
  const status = cause.$metadata.httpStatusCode;
  return status === 412 || status === 409 || cause.name === 'PreconditionFailed';
}

function isMissing(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  return cause instanceof S3ServiceException && (cause.name === 'NoSuchKey' || cause.name === 'NotFound');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The S3 backend's usage records: one small object per owner,
 * `.turing-usage/<a>/<b>.json` for owner prefix `a/b/`, changed only by
 * compare-and-swap (PutObject with `If-Match` on the ETag read, or
 * `If-None-Match: *` to create). Replicas therefore never lose each other's
 * changes, and a check made in `change` sees every change committed before.
 * Within a replica, changes to one owner queue behind a {@link KeyedMutex}
 * so they do not race each other.
 */
export class S3UsageLedger {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly options: S3UsageLedgerOptions) {}

  /** The owner's record, or undefined if none is stored (or it is unreadable). */
  async read(ownerPrefix: string): Promise<UsageRecord | undefined> {
    return (await this.readVersioned(ownerPrefix))?.record;
  }

  /**
   * Applies `next` to the owner's latest record and stores the result by
   * compare-and-swap, retrying with the newer record when another replica
   * wrote first. A missing record is first seeded by a count. `next` may
   * throw (a limit check) to store nothing. Resolves to the stored record.
   */
  change(ownerPrefix: string, next: (current: UsageRecord) => UsageRecord): Promise<UsageRecord> {
    validateOwnerPrefix(ownerPrefix);
    return this.mutex.run(ownerPrefix, async () => {
      for (let attempt = 1; ; attempt++) {
        const current = (await this.readVersioned(ownerPrefix)) ?? (await this.seed(ownerPrefix));
        const updated = next(current.record);
        if (await this.write(ownerPrefix, updated, current.etag)) return updated;
        await this.backoff(attempt);
      }
    });
  }

  /**
   * Counts the owner's bytes with one listing and stores the count, unless
   * the record changed while the listing ran (then the count may be stale
   * and is taken again). Resolves to the stored count.
   */
  recount(ownerPrefix: string): Promise<number> {
    validateOwnerPrefix(ownerPrefix);
    return this.mutex.run(ownerPrefix, async () => {
      for (let attempt = 1; ; attempt++) {
        const before = await this.readVersioned(ownerPrefix);
        const record = { bytes: await this.options.count(ownerPrefix), countedAt: new Date().toISOString() };
        if (await this.write(ownerPrefix, record, before?.etag)) return record.bytes;
        await this.backoff(attempt);
      }
    });
  }

  private async seed(ownerPrefix: string): Promise<Versioned> {
    for (let attempt = 1; ; attempt++) {
      const record = { bytes: await this.options.count(ownerPrefix), countedAt: new Date().toISOString() };
      if (await this.write(ownerPrefix, record, undefined)) {
        const stored = await this.readVersioned(ownerPrefix);
        if (stored) return stored;
      }
      // Another replica seeded it first: use theirs.
      const theirs = await this.readVersioned(ownerPrefix);
      if (theirs) return theirs;
      await this.backoff(attempt);
    }
  }

  private async readVersioned(ownerPrefix: string): Promise<Versioned | undefined> {
    const { client, bucket } = this.options;
    let response;
    try {
      response = await this.options.send('read a usage record', () =>
        client.send(new GetObjectCommand({ Bucket: bucket, Key: this.keyOf(ownerPrefix) })),
      );
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    const record = decodeUsageRecord(text);
    // An unreadable record is treated as a zero-byte record due for recount: it is replaced, never trusted.
    return {
      record: record ?? { bytes: 0, countedAt: new Date(0).toISOString() },
      etag: response.ETag ?? '',
    };
  }

  /** Stores `record` if the stored ETag is still `etag` (undefined: if none exists); false if not. */
  private async write(ownerPrefix: string, record: UsageRecord, etag: string | undefined): Promise<boolean> {
    const { client, bucket } = this.options;
    try {
      await this.options.send('write a usage record', () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: this.keyOf(ownerPrefix),
            Body: encodeUsageRecord(record),
            ContentType: 'application/json',
            ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }),
          }),
        ),
      );
      return true;
    } catch (err) {
      if (lostRace(err) || (etag !== undefined && isMissing(err))) return false;
      throw err;
    }
  }

  private async backoff(attempt: number): Promise<void> {
    if (attempt >= CAS_ATTEMPTS) {
      throw new Unavailable('The artifact store is busy: an owner usage record keeps changing.');
    }
    const ceiling = Math.min(200, 5 * 2 ** attempt);
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private keyOf(ownerPrefix: string): string {
    return `${USAGE_RECORD_ROOT}/${ownerPrefix.slice(0, -1)}.json`;
  }
}
