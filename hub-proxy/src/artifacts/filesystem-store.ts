import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Conflict } from '../errors/index.js';
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
import { mapWithConcurrency } from './bounded-concurrency.js';
import { normalizeContentType } from './content-type.js';
import { FilesystemUsageLedger } from './filesystem-usage.js';
import { DEFAULT_RECOUNT_INTERVAL_MS, isStale, withDelta, type UsageRecord } from './usage-record.js';

/** Options of {@link FilesystemArtifactStore}. */
export interface FilesystemArtifactStoreOptions extends ArtifactLimits {
  /** Root directory (a PVC in the cluster); created on first write. */
  directory: string;
  /** An owner's usage record older than this is recounted on next use (default 24 h). */
  recountIntervalMs?: number;
}

/**
 * Every object file starts with a fixed-size header: one line of JSON
 * metadata padded with spaces. Keeping the metadata in the same file as the
 * bytes makes a replace a single rename, so readers never see new bytes
 * with an old content type; the fixed size lets sizes come from `stat`.
 */
const HEADER_BYTES = 512;
/** Files stat'ed at once while listing or summing. */
const FILE_CONCURRENCY = 16;
/** Temp files older than this are leftovers of a crashed process. */
const STALE_TEMP_MS = 60 * 60 * 1000;

interface ObjectHeader {
  v: 1;
  contentType: string;
}

function encodeHeader(contentType: string): Buffer {
  const json = JSON.stringify({ v: 1, contentType } satisfies ObjectHeader);
  // normalizeContentType caps the type at 200 ASCII characters, so this fits.
  return Buffer.from(`${json.padEnd(HEADER_BYTES - 1, ' ')}\n`, 'ascii');
}

function decodeHeader(bytes: Buffer, file: string): ObjectHeader {
  try {
    const header = JSON.parse(bytes.toString('utf8')) as Partial<ObjectHeader>;
    if (header.v === 1 && typeof header.contentType === 'string') return header as ObjectHeader;
  } catch {
    // Fall through to the error below.
  }
  throw new Error(`artifact file ${file} has no valid header`);
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Codes meaning "there is no object file at this path". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let written = 0;
  while (written < bytes.byteLength) {
    const result = await handle.write(bytes, written, bytes.byteLength - written, position + written);
    written += result.bytesWritten;
  }
  return position + written;
}

/**
 * The filesystem backend of the artifact store. Objects live in
 * `<directory>/objects/<key>`; puts stream into `<directory>/tmp/` and are
 * renamed into place, so a reader sees the old or the new object and an
 * over-limit or failed put leaves nothing behind.
 *
 * A key cannot name both an object and a "directory" of other keys
 * (`a/b/x` and `a/b/x/y`); such a put fails with Conflict. The key
 * layout in `jobs/naming.ts` never does this.
 *
 * Each owner's bytes are kept in a usage record (`filesystem-usage.ts`).
 * A put streams into a temp file without the owner's lock, then, holding
 * it, stats the object it replaces, checks the record plus the difference
 * against the owner's limit, renames the file into place and rewrites the
 * record; deletes likewise. So the record is exact and the limit holds
 * across replicas sharing the volume, with no listing per write.
 */
export class FilesystemArtifactStore implements ArtifactStore {
  readonly backend = 'filesystem';
  readonly directory: string;
  private readonly objectsDir: string;
  private readonly tempDir: string;
  private readonly quota: ArtifactQuota;
  private readonly ledger: FilesystemUsageLedger;
  private readonly recountIntervalMs: number;
  private prepared?: Promise<void>;

  constructor(options: FilesystemArtifactStoreOptions) {
    this.directory = resolve(options.directory);
    this.objectsDir = join(this.directory, 'objects');
    this.tempDir = join(this.directory, 'tmp');
    this.ledger = new FilesystemUsageLedger(this.directory);
    this.recountIntervalMs = options.recountIntervalMs ?? DEFAULT_RECOUNT_INTERVAL_MS;
    this.quota = new ArtifactQuota({
      maxObjectBytes: options.maxObjectBytes,
      maxOwnerBytes: options.maxOwnerBytes,
    });
  }

  async put(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options: { contentType?: string } = {},
  ): Promise<ArtifactInfo> {
    await this.prepare();
    const contentType = normalizeContentType(options.contentType);
    const { owner, meter, maxOwnerBytes } = await this.quota.openPut(key, this);
    const temp = join(this.tempDir, `${randomUUID()}.part`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx', 0o600);
      let position = await writeAll(handle, encodeHeader(contentType), 0);
      for await (const chunk of chunksOf(body)) {
        meter.add(chunk.byteLength);
        position = await writeAll(handle, chunk, position);
      }
      await handle.datasync();
      const { mtime } = await handle.stat();
      await handle.close();
      handle = undefined;
      await this.ledger.withLock(owner, async () => {
        const record = await this.lockedRecord(owner);
        const delta = meter.bytes - (await this.storedSize(key));
        checkCommit(owner, record.bytes, delta, maxOwnerBytes);
        await this.moveIntoPlace(temp, key);
        await this.ledger.write(owner, withDelta(record, delta));
      });
      return { key, sizeBytes: meter.bytes, contentType, modifiedAt: mtime.toISOString() };
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    } finally {
      meter.close();
    }
  }

  /** The object and its bytes; read `body` to the end or stop it (`return()`), which closes the file. */
  async get(key: string): Promise<{ info: ArtifactInfo; body: AsyncIterable<Uint8Array> } | undefined> {
    const handle = await this.openObject(key);
    if (!handle) return undefined;
    try {
      const info = await this.readInfo(handle, key);
      // Streaming from the handle already open keeps the bytes of the version `info` describes,
      // even if a put renames a new file over the key meanwhile.
      const body = handle.createReadStream({ start: HEADER_BYTES, autoClose: true });
      return { info, body };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<ArtifactInfo | undefined> {
    const handle = await this.openObject(key);
    if (!handle) return undefined;
    try {
      return await this.readInfo(handle, key);
    } finally {
      await handle.close();
    }
  }

  async list(prefix: string): Promise<ArtifactListing[]> {
    validateArtifactPrefix(prefix);
    const keys = await this.keysUnder(prefix);
    // A stat per file, no open: the header (content type) is for head and get.
    const listed = await mapWithConcurrency(keys, FILE_CONCURRENCY, async (key) => {
      const stats = await stat(this.pathOf(key)).catch(() => undefined);
      if (!stats?.isFile()) return undefined;
      return {
        key,
        sizeBytes: Math.max(0, stats.size - HEADER_BYTES),
        modifiedAt: stats.mtime.toISOString(),
      };
    });
    // A file deleted between the walk and its stat is simply gone.
    return listed.filter((entry): entry is ArtifactListing => entry !== undefined);
  }

  async keys(prefix: string): Promise<string[]> {
    validateArtifactPrefix(prefix);
    return this.keysUnder(prefix);
  }

  async delete(key: string): Promise<void> {
    const owner = ownerPrefixOf(key);
    const removed = await this.ledger.withLock(owner, async () => {
      const record = await this.lockedRecord(owner);
      const size = await this.storedSize(key);
      try {
        await unlink(this.pathOf(key));
      } catch (err) {
        if (!ABSENT.has(errorCode(err) ?? '') && errorCode(err) !== 'EPERM') throw err;
        return false;
      }
      await this.ledger.write(owner, withDelta(record, -size));
      return true;
    });
    if (removed) await this.pruneEmptyParents(dirname(this.pathOf(key)));
  }

  async deletePrefix(prefix: string): Promise<void> {
    validateArtifactPrefix(prefix);
    const dir = this.pathOf(prefix.slice(0, -1));
    // Only a directory is a prefix; a file here is the object `prefix` minus its slash.
    const stats = await lstat(dir).catch(() => undefined);
    if (!stats?.isDirectory()) return;
    if (prefix.split('/').length === 2) {
      // Above the owners (`users/`): one owner at a time, each under its own lock.
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) await this.deletePrefix(`${prefix}${entry.name}/`);
      }
    } else {
      const owner = ownerPrefixOf(`${prefix}x`);
      await this.ledger.withLock(owner, async () => {
        const record = await this.lockedRecord(owner);
        const removed = await this.bytesUnder(prefix);
        await rm(dir, { recursive: true, force: true });
        await this.ledger.write(owner, withDelta(record, -removed));
      });
    }
    await this.pruneEmptyParents(dirname(dir));
  }

  async usage(ownerPrefix: string): Promise<number> {
    validateOwnerPrefix(ownerPrefix);
    const record = await this.ledger.read(ownerPrefix);
    if (record && !isStale(record, this.recountIntervalMs)) return record.bytes;
    return this.recount(ownerPrefix);
  }

  async recount(ownerPrefix: string): Promise<number> {
    validateOwnerPrefix(ownerPrefix);
    // Under the lock no put or delete of this owner commits meanwhile, so the count is exact.
    return this.ledger.withLock(ownerPrefix, async () => (await this.countLocked(ownerPrefix)).bytes);
  }

  /** The owner's record; seeded (or refreshed when stale) by a count. Call holding the owner's lock. */
  private async lockedRecord(ownerPrefix: string): Promise<UsageRecord> {
    const record = await this.ledger.read(ownerPrefix);
    if (record && !isStale(record, this.recountIntervalMs)) return record;
    return this.countLocked(ownerPrefix);
  }

  /** Counts the owner's bytes and stores them as its record. Call holding the owner's lock. */
  private async countLocked(ownerPrefix: string): Promise<UsageRecord> {
    const record = { bytes: await this.bytesUnder(ownerPrefix), countedAt: new Date().toISOString() };
    await this.ledger.write(ownerPrefix, record);
    return record;
  }

  /** Bytes of the objects under `prefix`, by walking and stat'ing. */
  private async bytesUnder(prefix: string): Promise<number> {
    const keys = await this.keysUnder(prefix);
    const sizes = await mapWithConcurrency(keys, FILE_CONCURRENCY, (key) => this.storedSize(key));
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  /** Bytes of the object stored under `key` now; 0 if none. */
  private async storedSize(key: string): Promise<number> {
    const stats = await stat(this.pathOf(key)).catch(() => undefined);
    return stats?.isFile() ? Math.max(0, stats.size - HEADER_BYTES) : 0;
  }

  /** Path of a validated key (or prefix without its slash); segments cannot leave the root. */
  private pathOf(key: string): string {
    return join(this.objectsDir, ...key.split('/'));
  }

  /** Creates the temp directory and removes temp files a crashed process left, once. */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await mkdir(this.tempDir, { recursive: true });
      const cutoff = Date.now() - STALE_TEMP_MS;
      for (const name of await readdir(this.tempDir)) {
        const file = join(this.tempDir, name);
        const stats = await stat(file).catch(() => undefined);
        if (stats && stats.mtimeMs < cutoff) await rm(file, { force: true });
      }
    })().catch((err: unknown) => {
      this.prepared = undefined;
      throw err;
    });
    return this.prepared;
  }

  private async moveIntoPlace(temp: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    // A concurrent delete may prune the parent between mkdir and rename: retry once.
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await rename(temp, target);
        return;
      } catch (err) {
        const code = errorCode(err);
        if (code === 'ENOENT' && attempt < 3) continue;
        if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
          throw new Conflict(`Artifact key "${key}" clashes with another key's path.`);
        }
        throw err;
      }
    }
  }

  /** The open object file of `key`, or undefined; a directory at the key's path is no object. */
  private async openObject(key: string): Promise<FileHandle | undefined> {
    validateArtifactKey(key);
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (err) {
      if (ABSENT.has(errorCode(err) ?? '')) return undefined;
      throw err;
    }
    if ((await handle.stat()).isFile()) return handle;
    await handle.close();
    return undefined;
  }

  private async readInfo(handle: FileHandle, key: string): Promise<ArtifactInfo> {
    const stats = await handle.stat();
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES) throw new Error(`artifact file ${this.pathOf(key)} has no valid header`);
    return {
      key,
      sizeBytes: stats.size - HEADER_BYTES,
      contentType: decodeHeader(header, this.pathOf(key)).contentType,
      modifiedAt: stats.mtime.toISOString(),
    };
  }

  /** Keys of the object files under `prefix`, sorted. */
  private async keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (ABSENT.has(errorCode(err) ?? '')) return;
        throw err;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) await walk(join(dir, entry.name), `${keyPrefix}${entry.name}/`);
        else if (entry.isFile()) keys.push(`${keyPrefix}${entry.name}`);
      }
    };
    await walk(this.pathOf(prefix.slice(0, -1)), prefix);
    return keys.sort(compareArtifactKeys);
  }

  /** Removes now-empty directories from `dir` up to (not including) the objects root. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    for (let current = dir; current.startsWith(`${this.objectsDir}/`); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // Not empty (or already gone, or in use by a concurrent put): stop here.
      }
    }
  }
}
