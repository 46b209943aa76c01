import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TooLarge } from '../errors/index.js';
import { describeArtifactStoreContract } from './artifact-store-contract.js';
import { FilesystemArtifactStore } from './filesystem-store.js';

describeArtifactStoreContract('filesystem', async (limits) => {
  const directory = await mkdtemp(join(tmpdir(), 'turing-artifacts-'));
  return {
    store: new FilesystemArtifactStore({ directory, ...limits }),
    reopen: () => Promise.resolve(new FilesystemArtifactStore({ directory, ...limits })),
    plant: async (key, bytes) => {
      // The on-disk format: a 512-byte JSON header line, then the bytes.
      const header = `${JSON.stringify({ v: 1, contentType: 'application/octet-stream' }).padEnd(511, ' ')}\n`;
      const file = join(directory, 'objects', ...key.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, Buffer.concat([Buffer.from(header), bytes]));
    },
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

describe('FilesystemArtifactStore on disk', () => {
  const directories: string[] = [];
  const makeStore = async () => {
    const directory = await mkdtemp(join(tmpdir(), 'turing-artifacts-'));
    directories.push(directory);
    return new FilesystemArtifactStore({ directory, maxObjectBytes: 2048, maxOwnerBytes: 4096 });
  };
  afterEach(async () => {
    await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('leaves no temp file behind after a refused or a failed put', async () => {
    const store = await makeStore();
    await store.put('users/alice/ok', Buffer.alloc(10));
    await expect(store.put('users/alice/big', Buffer.alloc(3000))).rejects.toBeInstanceOf(TooLarge);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(100);
      throw new Error('client went away');
    }
    await expect(store.put('users/alice/broken', failing())).rejects.toThrow('client went away');
    expect(await readdir(join(store.directory, 'tmp'))).toEqual([]);
    expect(await store.head('users/alice/broken')).toBeUndefined();
  });

  it('removes directories emptied by deletes', async () => {
    const store = await makeStore();
    await store.put('users/alice/jobs/a/runs/r1/log.txt', Buffer.from('log'));
    await store.put('users/alice/jobs/b/x', Buffer.from('x'));
    await store.delete('users/alice/jobs/a/runs/r1/log.txt');
    expect(await readdir(join(store.directory, 'objects/users/alice/jobs'))).toEqual(['b']);
    await store.deletePrefix('users/alice/jobs/b/');
    expect(await readdir(join(store.directory, 'objects'))).toEqual([]);
  });

  it('counts bytes of puts still streaming against the owner', async () => {
    const store = await makeStore();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(1000);
      started();
      await released;
    }
    const first = store.put('users/alice/a', slow());
    await streaming;
    await store.put('users/alice/b', Buffer.alloc(1000));
    await store.put('users/alice/c', Buffer.alloc(1000));
    // 2000 stored plus 1000 in flight: 1097 more would pass 4096, though alone it fits the object limit.
    await expect(store.put('users/alice/d', Buffer.alloc(1097))).rejects.toThrow('4 KiB total limit');
    release();
    await first;
    expect(await store.usage('users/alice/')).toBe(3000);
  });

  it('keeps the usage record outside the objects, as JSON rewritten by each put', async () => {
    const store = await makeStore();
    await store.put('users/alice/jobs/a/x', Buffer.alloc(100));
    await store.put('users/alice/jobs/a/y', Buffer.alloc(23));
    const record = JSON.parse(
      await readFile(join(store.directory, 'usage/users/alice.json'), 'utf8'),
    ) as unknown;
    expect(record).toMatchObject({ v: 1, bytes: 123 });
    expect(await store.keys('users/')).toEqual(['users/alice/jobs/a/x', 'users/alice/jobs/a/y']);
    expect(await readdir(join(store.directory, 'usage/users'))).toEqual(['alice.json']);
  });

  it('recounts a usage record older than the recount interval on its next use', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'turing-artifacts-'));
    directories.push(directory);
    const store = new FilesystemArtifactStore({
      directory,
      maxObjectBytes: 2048,
      maxOwnerBytes: 4096,
      recountIntervalMs: 200,
    });
    await store.put('users/alice/a', Buffer.alloc(10));
    await writeFile(join(directory, 'objects/users/alice/drift'), Buffer.alloc(512 + 90));
    expect(await store.usage('users/alice/')).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.usage('users/alice/')).toBe(100);
  });

  it("waits for another replica's lock and takes over one its dead holder left", async () => {
    const store = await makeStore();
    await store.put('users/alice/a', Buffer.alloc(10));
    const lock = join(store.directory, 'usage/users/alice.json.lock');
    await writeFile(lock, '');
    let done = false;
    const waiting = store.put('users/alice/b', Buffer.alloc(10)).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(done).toBe(false);
    await rm(lock);
    await waiting;
    expect(await store.usage('users/alice/')).toBe(20);
    // A lock a minute old belongs to a process that died holding it.
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await store.put('users/alice/c', Buffer.alloc(10));
    expect(await store.usage('users/alice/')).toBe(30);
  });
});
