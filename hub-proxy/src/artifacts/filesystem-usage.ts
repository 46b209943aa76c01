import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Unavailable } from '../errors/index.js';
import { validateOwnerPrefix } from './artifact-key.js';
import { KeyedMutex } from './keyed-mutex.js';
import { decodeUsageRecord, encodeUsageRecord, type UsageRecord } from './usage-record.js';

/** A lock file older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 30_000;
/** Give up waiting for another replica's lock after this long. */
const LOCK_WAIT_MS = 20_000;

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The filesystem backend's usage records: `<directory>/usage/<a>/<b>.json`
 * for owner prefix `a/b/`, outside `objects/` so listings never see them.
 * Every change happens under the owner's lock: in-process a {@link KeyedMutex},
 * across replicas sharing the volume a lock file created with O_EXCL
 * (`<b>.lock`), taken over when older than 30 s. A record is replaced by
 * rename, so a reader without the lock sees the old or the new one.
 */
export class FilesystemUsageLedger {
  private readonly root: string;
  private readonly mutex = new KeyedMutex();

  constructor(directory: string) {
    this.root = join(directory, 'usage');
  }

  /** The owner's record as last written, or undefined if there is none (or it is unreadable). */
  async read(ownerPrefix: string): Promise<UsageRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordPath(ownerPrefix), 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err;
    }
    return decodeUsageRecord(text);
  }

  /** Replaces the owner's record atomically; call only inside {@link withLock}. */
  async write(ownerPrefix: string, record: UsageRecord): Promise<void> {
    const target = this.recordPath(ownerPrefix);
    const temp = `${target}.${randomUUID()}.tmp`;
    await mkdir(join(target, '..'), { recursive: true });
    try {
      await writeFile(temp, encodeUsageRecord(record), { mode: 0o600 });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Runs `section` holding the owner's lock, in this process and against other replicas. */
  withLock<T>(ownerPrefix: string, section: () => Promise<T>): Promise<T> {
    validateOwnerPrefix(ownerPrefix);
    return this.mutex.run(ownerPrefix, async () => {
      const lock = `${this.recordPath(ownerPrefix)}.lock`;
      await this.acquire(lock);
      try {
        return await section();
      } finally {
        await unlink(lock).catch(() => undefined);
      }
    });
  }

  private recordPath(ownerPrefix: string): string {
    const [first, second] = validateOwnerPrefix(ownerPrefix).split('/');
    return join(this.root, first ?? '', `${second ?? ''}.json`);
  }

  private async acquire(lock: string): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        const handle = await open(lock, 'wx', 0o600);
        await handle.close();
        return;
      } catch (err) {
        const code = errorCode(err);
        if (code === 'ENOENT') {
          await mkdir(join(lock, '..'), { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw err;
      }
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        // Its holder died mid-update; the record it guarded is still whole (renames are atomic).
        await unlink(lock).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Unavailable('The artifact store is busy: an owner usage lock is held too long.');
      }
      await sleep(wait + Math.random() * wait);
    }
  }
}
