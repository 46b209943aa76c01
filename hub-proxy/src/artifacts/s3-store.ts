import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Unavailable, UpstreamFailed } from '../errors/index.js';
import type { ArtifactInfo, ArtifactListing, ArtifactStore } from './artifact-store.js';
import {
  compareArtifactKeys,
  ownerPrefixOf,
  validateArtifactKey,
  validateArtifactPrefix,
  validateOwnerPrefix,
} from './artifact-key.js';
import { ArtifactQuota, checkCommit, type ArtifactLimits } from './artifact-limits.js';
import { chunksOf } from './body-chunks.js';
import { DEFAULT_CONTENT_TYPE, normalizeContentType } from './content-type.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MAX_PART_BYTES, MIN_PART_BYTES, putStreamed } from './s3-streamed-put.js';
import { S3UsageLedger } from './s3-usage.js';
import { DEFAULT_RECOUNT_INTERVAL_MS, isStale, withDelta } from './usage-record.js';

/** Options of {@link S3ArtifactStore}. */
export interface S3ArtifactStoreOptions extends ArtifactLimits {
  /** Endpoint of an S3-compatible server (MinIO, moto, Ceph); absent: AWS. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Static credentials; both absent: the SDK's default chain (env, IRSA, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /**
   * Bodies larger than this go up as a multipart upload in parts of this
   * size; a put holds at most two parts in memory. Default 8 MiB, at least 5 MiB.
   */
  partSizeBytes?: number;
  /** An owner's usage record older than this is recounted on next use (default 24 h). */
  recountIntervalMs?: number;
  /** Called once per HTTP request sent to S3 (retries included) with the command's name: metrics, tests. */
  onRequest?: (command: string) => void;
}

/** Default part size of multipart uploads. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** DeleteObjects takes at most this many keys per call. */
const DELETE_BATCH = 1000;

function isNotFound(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  // HEAD answers carry no body, so a missing key is only a bare 404 ("NotFound").
  return err.name === 'NoSuchKey' || err.name === 'NotFound';
}

/** An SDK failure as a domain error: the store answered badly (502) or not at all (503). */
function storeFailure(err: unknown, operation: string): Error {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode;
    return new UpstreamFailed(
      `The S3 artifact store failed to ${operation} (${err.name}${status ? `, HTTP ${status}` : ''}).`,
      { cause: err },
    );
  }
  return new Unavailable(`The S3 artifact store is unreachable (${operation}).`, undefined, { cause: err });
}

/** Whether S3 answered `err` with an error, so the request certainly changed nothing. */
function refusedByStore(err: unknown): boolean {
  const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
  return cause instanceof S3ServiceException;
}

/**
 * The S3-compatible backend of the artifact store. Keys map one to one onto
 * object keys in `bucket`. A put streams its body: one PutObject when it
 * fits in one part, else a multipart upload (see `s3-streamed-put.ts`), so
 * memory per put is bounded by two parts whatever the object's size. Both
 * are applied atomically: readers see the old or the new object, and a
 * failed or over-limit put stores nothing (its multipart upload is aborted).
 *
 * Each owner's bytes are kept in a usage record (`s3-usage.ts`) changed by
 * compare-and-swap. A put that grows the total reserves the difference in
 * the record (checking the limit against it) just before the object is
 * published, and gives it back if S3 refuses the publish; a put that
 * shrinks it, and a delete, change the record after S3 has. So the record
 * never counts less than is stored, except for concurrent writes of the same
 * key from different replicas; drift is corrected by a recount (one listing)
 * on demand and whenever the record is older than the recount interval.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly backend = 's3';
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly quota: ArtifactQuota;
  private readonly partSizeBytes: number;
  private readonly ledger: S3UsageLedger;
  private readonly recountIntervalMs: number;
  /** Within this replica, writes of one key queue, so the size each replaces is exact. */
  private readonly keyMutex = new KeyedMutex();

  constructor(options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket;
    this.partSizeBytes = options.partSizeBytes ?? DEFAULT_PART_BYTES;
    if (this.partSizeBytes < MIN_PART_BYTES || this.partSizeBytes > MAX_PART_BYTES) {
      throw new Error(`S3ArtifactStore: partSizeBytes must be between 5 MiB and 5 GiB`);
    }
    this.quota = new ArtifactQuota({
      maxObjectBytes: options.maxObjectBytes,
      maxOwnerBytes: options.maxOwnerBytes,
    });
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.accessKeyId !== undefined && options.secretAccessKey !== undefined
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
      // Only send and check the newer flexible checksums where S3 requires them:
      // many S3-compatible servers do not implement them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const onRequest = options.onRequest;
    if (onRequest) {
      // The deserialize step runs once per attempt, inside the retry loop: every request sent.
      this.client.middlewareStack.add(
        (next, context) => (args) => {
          onRequest(context.commandName ?? 'unknown');
          return next(args);
        },
        { step: 'deserialize', name: 'turingRequestObserver' },
      );
    }
    this.recountIntervalMs = options.recountIntervalMs ?? DEFAULT_RECOUNT_INTERVAL_MS;
    this.ledger = new S3UsageLedger({
      client: this.client,
      bucket: this.bucket,
      send: (operation, call) => this.send(operation, call),
      count: async (owner) =>
        (await this.listObjects(owner)).reduce((sum, object) => sum + object.sizeBytes, 0),
    });
  }

  async put(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options: { contentType?: string } = {},
  ): Promise<ArtifactInfo> {
    const contentType = normalizeContentType(options.contentType);
    const { owner, meter, maxOwnerBytes } = await this.quota.openPut(key, this);
    try {
      const sizeBytes = await putStreamed(
        {
          client: this.client,
          bucket: this.bucket,
          key,
          contentType,
          partSizeBytes: this.partSizeBytes,
          send: (operation, call) => this.send(operation, call),
          commit: (size, publish) => this.commitPut(owner, key, size, maxOwnerBytes, publish),
        },
        chunksOf(body),
        (bytes) => meter.add(bytes),
      );
      // S3 returns no time; the server's will differ from ours by the request latency.
      return { key, sizeBytes, contentType, modifiedAt: new Date().toISOString() };
    } finally {
      meter.close();
    }
  }

  async get(key: string): Promise<{ info: ArtifactInfo; body: AsyncIterable<Uint8Array> } | undefined> {
    validateArtifactKey(key);
    const response = await this.sendUnlessMissing('read an object', () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    if (!response) return undefined;
    const body = response.Body;
    if (body === undefined || !(Symbol.asyncIterator in body)) {
      throw new UpstreamFailed('The S3 artifact store returned an object without a readable body.');
    }
    return {
      info: {
        key,
        sizeBytes: response.ContentLength ?? 0,
        contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
        modifiedAt: (response.LastModified ?? new Date()).toISOString(),
      },
      body: body as AsyncIterable<Uint8Array>,
    };
  }

  async head(key: string): Promise<ArtifactInfo | undefined> {
    validateArtifactKey(key);
    const response = await this.sendUnlessMissing('read object metadata', () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    if (!response) return undefined;
    return {
      key,
      sizeBytes: response.ContentLength ?? 0,
      contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
      modifiedAt: (response.LastModified ?? new Date()).toISOString(),
    };
  }

  async list(prefix: string): Promise<ArtifactListing[]> {
    validateArtifactPrefix(prefix);
    // ListObjectsV2 gives size and time per object: no HEAD per object (1 request per 1000).
    return this.listObjects(prefix);
  }

  async keys(prefix: string): Promise<string[]> {
    validateArtifactPrefix(prefix);
    return (await this.listObjects(prefix)).map((object) => object.key);
  }

  async delete(key: string): Promise<void> {
    const owner = ownerPrefixOf(key);
    await this.keyMutex.run(key, async () => {
      const existing = await this.head(key);
      await this.send('delete an object', () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      // After the delete: a crash in between leaves the record counting more, never less.
      if (existing) await this.ledger.change(owner, (record) => withDelta(record, -existing.sizeBytes));
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    validateArtifactPrefix(prefix);
    const objects = await this.listObjects(prefix);
    for (let start = 0; start < objects.length; start += DELETE_BATCH) {
      const batch = objects.slice(start, start + DELETE_BATCH);
      const response = await this.send('delete objects', () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((object) => ({ Key: object.key })), Quiet: true },
          }),
        ),
      );
      const failed = response.Errors ?? [];
      await this.accountDeleted(batch, new Set(failed.map((error) => error.Key)));
      if (failed.length > 0) {
        const first = failed[0];
        throw new UpstreamFailed(
          `The S3 artifact store failed to delete ${failed.length} object(s) under ${prefix} ` +
            `(${first?.Code ?? 'unknown error'} on ${first?.Key ?? '?'}).`,
        );
      }
    }
  }

  async usage(ownerPrefix: string): Promise<number> {
    validateOwnerPrefix(ownerPrefix);
    const record = await this.ledger.read(ownerPrefix);
    if (record && !isStale(record, this.recountIntervalMs)) return record.bytes;
    return this.ledger.recount(ownerPrefix);
  }

  async recount(ownerPrefix: string): Promise<number> {
    validateOwnerPrefix(ownerPrefix);
    return this.ledger.recount(ownerPrefix);
  }

  /** Closes the client's sockets; the store is unusable afterwards. */
  destroy(): void {
    this.client.destroy();
  }

  /**
   * Publishes a put of `size` bytes to `key` and accounts for it. Growth is
   * reserved in the owner's record (the limit checked against it) before
   * `publish`, and returned if S3 refuses it; shrinkage is recorded after.
   */
  private commitPut(
    owner: string,
    key: string,
    size: number,
    maxOwnerBytes: number,
    publish: () => Promise<void>,
  ): Promise<void> {
    return this.keyMutex.run(key, async () => {
      const delta = size - ((await this.head(key))?.sizeBytes ?? 0);
      if (delta <= 0) {
        await publish();
        if (delta < 0) await this.ledger.change(owner, (record) => withDelta(record, delta));
        return;
      }
      await this.ledger.change(owner, (record) => {
        checkCommit(owner, record.bytes, delta, maxOwnerBytes);
        return withDelta(record, delta);
      });
      try {
        await publish();
      } catch (err) {
        // Unreachable or cut off: the object may exist, so the reservation stays (recount settles it).
        if (refusedByStore(err)) {
          await this.ledger.change(owner, (record) => withDelta(record, -delta)).catch(() => undefined);
        }
        throw err;
      }
    });
  }

  /** Takes the deleted objects of a batch (all but `failed`) off their owners' records. */
  private async accountDeleted(batch: ArtifactListing[], failed: Set<string | undefined>): Promise<void> {
    const removed = new Map<string, number>();
    for (const object of batch) {
      if (failed.has(object.key)) continue;
      const owner = ownerPrefixOf(object.key);
      removed.set(owner, (removed.get(owner) ?? 0) + object.sizeBytes);
    }
    for (const [owner, bytes] of removed) {
      await this.ledger.change(owner, (record) => withDelta(record, -bytes));
    }
  }

  /** Every object under `prefix`, across all pages, sorted by key. */
  private async listObjects(prefix: string): Promise<ArtifactListing[]> {
    const objects: ArtifactListing[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.send('list objects', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        objects.push({
          key: object.Key,
          sizeBytes: object.Size ?? 0,
          modifiedAt: (object.LastModified ?? new Date(0)).toISOString(),
        });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return objects.sort((a, b) => compareArtifactKeys(a.key, b.key));
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw storeFailure(err, operation);
    }
  }

  private async sendUnlessMissing<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw storeFailure(err, operation);
    }
  }
}
