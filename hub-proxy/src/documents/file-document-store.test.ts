import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VersionConflict } from '../errors/index.js';
import { contentVersion, FileDocumentStore } from './file-document-store.js';
import type { StoredDocument } from './versioned-document.js';

const dirs: string[] = [];
const stops: Array<() => void> = [];
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function storeIn(seed = 'seed: 1\n') {
  const dir = mkdtempSync(join(tmpdir(), 'file-document-store-'));
  dirs.push(dir);
  const path = join(dir, 'nested', 'settings.yaml');
  return { path, dir, store: new FileDocumentStore({ path, seed: () => seed, pollIntervalMs: 50 }) };
}

/** Resolves with the first document `store` reports that satisfies `accept`. */
function nextChange(
  store: FileDocumentStore,
  accept: (d: StoredDocument) => boolean,
): Promise<StoredDocument> {
  return new Promise((resolve) => {
    const stop = store.watch((document) => {
      if (accept(document)) resolve(document);
    });
    stops.push(stop);
  });
}

describe('FileDocumentStore', () => {
  it('creates the file from the seed (and its directory) when it is missing', async () => {
    const { path, store } = storeIn('seed: 1\n');
    const document = await store.read();
    expect(document).toEqual({ text: 'seed: 1\n', version: contentVersion('seed: 1\n') });
    expect(readFileSync(path, 'utf8')).toBe('seed: 1\n');
  });

  it('keeps an existing file rather than seeding over it', async () => {
    const { path, store } = storeIn('seed: 1\n');
    await store.read();
    writeFileSync(path, 'edited: 2\n');
    expect((await store.read()).text).toBe('edited: 2\n');
  });

  it('writes when the expected version is current, and the version follows the content', async () => {
    const { path, store } = storeIn();
    const first = await store.read();
    const written = await store.write('next: 2\n', first.version);
    expect(written).toEqual({ text: 'next: 2\n', version: contentVersion('next: 2\n') });
    expect(written.version).not.toBe(first.version);
    expect(readFileSync(path, 'utf8')).toBe('next: 2\n');
  });

  it('refuses a stale write with a conflict naming the current version, leaving the file alone', async () => {
    const { path, store } = storeIn();
    const first = await store.read();
    const second = await store.write('next: 2\n', first.version);
    const stale = store.write('lost: 3\n', first.version);
    await expect(stale).rejects.toBeInstanceOf(VersionConflict);
    await expect(stale).rejects.toMatchObject({ currentVersion: second.version });
    await expect(stale).rejects.toThrow(second.version);
    expect(readFileSync(path, 'utf8')).toBe('next: 2\n');
  });

  it('lets exactly one of two concurrent writes based on the same version win', async () => {
    const { store } = storeIn();
    const { version } = await store.read();
    const results = await Promise.allSettled([
      store.write('a: 1\n', version),
      store.write('b: 2\n', version),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('leaves no temporary files behind', async () => {
    const { path, store } = storeIn();
    const { version } = await store.read();
    await store.write('next: 2\n', version);
    expect(readdirSync(join(path, '..'))).toEqual(['settings.yaml']);
  });

  it("reports this process's writes to watchers", async () => {
    const { store } = storeIn();
    const { version } = await store.read();
    const seen = nextChange(store, (d) => d.text === 'next: 2\n');
    await store.write('next: 2\n', version);
    expect(await seen).toEqual({ text: 'next: 2\n', version: contentVersion('next: 2\n') });
  });

  it('notices an edit by hand within the poll interval', async () => {
    const { path, store } = storeIn();
    await store.read();
    const seen = nextChange(store, (d) => d.text === 'by: hand\n');
    // Polling compares mtimes; make sure the edit lands in a later tick.
    await new Promise((resolve) => setTimeout(resolve, 100));
    writeFileSync(path, 'by: hand\n');
    expect((await seen).version).toBe(contentVersion('by: hand\n'));
  });

  it('stops reporting after the watch is stopped', async () => {
    const { path, store } = storeIn();
    await store.read();
    const seen: StoredDocument[] = [];
    const stop = store.watch((d) => seen.push(d));
    stop();
    writeFileSync(path, 'by: hand\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);
  });
});
