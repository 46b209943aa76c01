import { createHash, randomUUID } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VersionConflict } from '../errors/index.js';
import type { StoredDocument, VersionedDocumentStore } from './versioned-document.js';

/** Where the document lives and what it starts as. */
export interface FileDocumentStoreOptions {
  /** The file; its directory is created when missing. */
  path: string;
  /** The text written when the file does not exist yet. */
  seed: () => string;
  /** How often `watch` polls the file for edits by hand (default 1000 ms). */
  pollIntervalMs?: number;
}

/** A document's version: the sha256 of its text, so an edit by hand changes it too. */
export function contentVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}

/**
 * A {@link VersionedDocumentStore} in one file (the local runtime). Writes
 * from this process are serialised by a lock and land atomically (temp file,
 * then rename); another process writing at the same moment can still win
 * between the check and the rename, which the local runtime (one hub-proxy)
 * accepts. Edits by hand are noticed by polling the file's stat.
 */
export class FileDocumentStore implements VersionedDocumentStore {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(document: StoredDocument) => void>();
  private lastNotified: string | undefined;
  private polling = false;

  constructor(private readonly options: FileDocumentStoreOptions) {}

  read(): Promise<StoredDocument> {
    return this.locked(() => this.readOrSeed());
  }

  write(text: string, expectedVersion: string): Promise<StoredDocument> {
    return this.locked(async () => {
      const current = await this.readOrSeed();
      if (current.version !== expectedVersion) {
        throw new VersionConflict(
          current.version,
          `${this.options.path} changed: version ${expectedVersion} is stale, the current one is ${current.version}.`,
        );
      }
      await this.replaceFile(text);
      const written = { text, version: contentVersion(text) };
      this.notify(written);
      return written;
    });
  }

  watch(listener: (document: StoredDocument) => void): () => void {
    this.listeners.add(listener);
    if (!this.polling) {
      this.polling = true;
      // Not persistent: a watch alone must not keep the process alive.
      watchFile(
        this.options.path,
        { interval: this.options.pollIntervalMs ?? 1000, persistent: false },
        this.onStat,
      );
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.polling) {
        this.polling = false;
        unwatchFile(this.options.path, this.onStat);
      }
    };
  }

  private readonly onStat = (): void => {
    // A file deleted by hand is seeded again: deleting it resets the document.
    void this.locked(async () => {
      if (this.listeners.size > 0) this.notify(await this.readOrSeed());
    }).catch(() => {
      // An unreadable file is reported by the next read() or write() to whoever calls it.
    });
  };

  private notify(document: StoredDocument): void {
    if (document.version === this.lastNotified) return;
    this.lastNotified = document.version;
    for (const listener of this.listeners) listener(document);
  }

  private async readOrSeed(): Promise<StoredDocument> {
    try {
      const text = await readFile(this.options.path, 'utf8');
      return { text, version: contentVersion(text) };
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    const text = this.options.seed();
    await this.replaceFile(text);
    return { text, version: contentVersion(text) };
  }

  private async replaceFile(text: string): Promise<void> {
    await mkdir(dirname(this.options.path), { recursive: true });
    const temp = `${this.options.path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, text, { mode: 0o644 });
      await rename(temp, this.options.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  private locked<T>(action: () => Promise<T>): Promise<T> {
    const result = this.lock.then(action);
    this.lock = result.catch(() => undefined);
    return result;
  }
}
