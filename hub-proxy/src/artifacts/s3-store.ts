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
import type { ArtifactInfo, ArtifactStore } from './artifact-store.js';
import {
  compareArtifactKeys,
  validateArtifactKey,
  validateArtifactPrefix,
  validateOwnerPrefix,
} from './artifact-key.js';
import { ArtifactQuota, type ArtifactLimits } from './artifact-limits.js';
import { chunksOf } from './body-chunks.js';
import { mapWithConcurrency } from './bounded-concurrency.js';
import { DEFAULT_CONTENT_TYPE, normalizeContentType } from './content-type.js';
import { MAX_PART_BYTES, MIN_PART_BYTES, putStreamed } from './s3-streamed-put.js';

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
}

/** Default part size of multipart uploads. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** HEAD requests in flight while listing (ListObjectsV2 does not return content types). */
const HEAD_CONCURRENCY = 8;
/** DeleteObjects takes at most this many keys per call. */
const DELETE_BATCH = 1000;

interface ListedObject {
  key: string;
  sizeBytes: number;
}

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

/**
 * The S3-compatible backend of the artifact store. Keys map one to one onto
 * object keys in `bucket`. A put streams its body: one PutObject when it
 * fits in one part, else a multipart upload (see `s3-streamed-put.ts`), so
 * memory per put is bounded by two parts whatever the object's size. Both
 * are applied atomically: readers see the old or the new object, and a
 * failed or over-limit put stores nothing (its multipart upload is aborted).
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly backend = 's3';
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly quota: ArtifactQuota;
  private readonly partSizeBytes: number;

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
  }

  async put(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options: { contentType?: string } = {},
  ): Promise<ArtifactInfo> {
    const contentType = normalizeContentType(options.contentType);
    const { meter } = await this.quota.openPut(key, this);
    try {
      const sizeBytes = await putStreamed(
        {
          client: this.client,
          bucket: this.bucket,
          key,
          contentType,
          partSizeBytes: this.partSizeBytes,
          send: (operation, call) => this.send(operation, call),
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

  async list(prefix: string): Promise<ArtifactInfo[]> {
    validateArtifactPrefix(prefix);
    const listed = await this.listObjects(prefix);
    const infos = await mapWithConcurrency(listed, HEAD_CONCURRENCY, (object) => this.head(object.key));
    // An object deleted between the listing and its HEAD is simply gone.
    return infos.filter((info): info is ArtifactInfo => info !== undefined);
  }

  async keys(prefix: string): Promise<string[]> {
    validateArtifactPrefix(prefix);
    return (await this.listObjects(prefix)).map((object) => object.key);
  }

  async delete(key: string): Promise<void> {
    validateArtifactKey(key);
    await this.send('delete an object', () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  async deletePrefix(prefix: string): Promise<void> {
    validateArtifactPrefix(prefix);
    const keys = (await this.listObjects(prefix)).map((object) => object.key);
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const response = await this.send('delete objects', () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = response.Errors ?? [];
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
    const listed = await this.listObjects(ownerPrefix);
    return listed.reduce((sum, object) => sum + object.sizeBytes, 0);
  }

  /** Closes the client's sockets; the store is unusable afterwards. */
  destroy(): void {
    this.client.destroy();
  }

  /** Every object under `prefix`, across all pages, sorted by key. */
  private async listObjects(prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
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
        if (object.Key !== undefined) objects.push({ key: object.Key, sizeBytes: object.Size ?? 0 });
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
