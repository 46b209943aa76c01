/**
 * The artifact store's contract: one interface over the filesystem and
 * S3-compatible backends. Input snapshots, outputs, logs and model versions
 * all go through it.
 */

/** Metadata of one stored artifact. */
export interface ArtifactInfo {
  key: string;
  sizeBytes: number;
  contentType: string;
  /** ISO time of the last write. */
  modifiedAt: string;
}

/**
 * One entry of a listing: what a single listing call returns for every
 * object (S3's ListObjectsV2 gives size and time, not the content type),
 * so a listing never reads objects one by one. `head`/`get` give the type.
 */
export type ArtifactListing = Omit<ArtifactInfo, 'contentType'>;

/**
 * One interface over the artifact backends (filesystem, S3-compatible).
 * Keys are `/`-separated, relative, without `..`; the first two segments (`users/<slug>/`) are the
 * owner prefix (see `artifactKeys`). Limits are enforced on `put`.
 */
export interface ArtifactStore {
  readonly backend: 'filesystem' | 's3';
  /**
   * Stores `body` under `key`, replacing any previous object atomically
   * (readers see the old or the new object, never a part). Throws
   * TooLarge past the per-object limit, and QuotaExceeded
   * (`artifactBytes`) past the owner's total.
   */
  put(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options?: { contentType?: string },
  ): Promise<ArtifactInfo>;
  /** The object's bytes as a stream, or undefined if there is none. */
  get(key: string): Promise<{ info: ArtifactInfo; body: AsyncIterable<Uint8Array> } | undefined>;
  /** Metadata only, or undefined. */
  head(key: string): Promise<ArtifactInfo | undefined>;
  /**
   * Objects under `prefix` (which ends with `/`) with size and time, sorted
   * by key: one listing (one request per 1000 objects on S3), no per-object read.
   */
  list(prefix: string): Promise<ArtifactListing[]>;
  /** Just the keys under `prefix`, sorted: one listing, no per-object metadata reads. */
  keys(prefix: string): Promise<string[]>;
  /** Deletes one object; absent is fine. */
  delete(key: string): Promise<void>;
  /** Deletes every object under `prefix` (ends with `/`). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Bytes stored under an owner prefix (for the per-user limit), from the
   * owner's usage record: no listing, except the one that seeds a missing
   * record or refreshes one older than the recount interval.
   */
  usage(ownerPrefix: string): Promise<number>;
  /**
   * Re-counts an owner's bytes with one listing and stores the result as the
   * usage record, correcting any drift (objects changed behind the store's
   * back, a replica that died between reserving and writing). Returns the count.
   */
  recount(ownerPrefix: string): Promise<number>;
}
