import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInput, QuotaExceeded, TooLarge } from '../errors/index.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { toHttpError } from '../http/error-mapping.js';
import type { ArtifactStore } from './artifact-store.js';
import type { ArtifactLimits } from './artifact-limits.js';
import { describeArtifactUsageContract } from './artifact-usage-contract.js';

/** A store made for one test, and how to remove everything it made. */
export interface ContractStore {
  store: ArtifactStore;
  /**
   * Another store over the same data with the same limits: a second
   * replica, or the same one after a restart. Cleaned up with the first.
   */
  reopen(): Promise<ArtifactStore>;
  /** Writes an object straight into the backend, behind the store's back (no accounting): drift. */
  plant(key: string, bytes: Uint8Array): Promise<void>;
  cleanup(): Promise<void>;
}

/** Limits the suite uses unless a test needs others. */
const DEFAULT_LIMITS: ArtifactLimits = { maxObjectBytes: 1024 * 1024, maxOwnerBytes: 4 * 1024 * 1024 };

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function contentOf(store: ArtifactStore, key: string): Promise<Buffer | undefined> {
  const found = await store.get(key);
  return found && readAll(found.body);
}

/** The info `get` returns, after draining the body (an unread body holds a file or socket). */
async function infoFromGet(store: ArtifactStore, key: string) {
  const found = await store.get(key);
  if (found) await readAll(found.body);
  return found?.info;
}

/** `count` chunks of `size` bytes each, filled with `fill`; `yielded.count` says how many were pulled. */
function chunkStream(count: number, size: number, fill: number) {
  const yielded = { count: 0 };
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < count; i++) {
      yielded.count += 1;
      yield Buffer.alloc(size, fill);
    }
  }
  return { body: generate(), yielded };
}

/**
 * The behaviour every {@link ArtifactStore} backend must have. Call inside a
 * test file; `makeStore` returns a fresh, empty store with the given limits.
 */
export function describeArtifactStoreContract(
  name: string,
  makeStore: (limits: ArtifactLimits) => Promise<ContractStore>,
): void {
  describe(`${name} artifact store contract`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    const made = async (limits: ArtifactLimits = DEFAULT_LIMITS): Promise<ContractStore> => {
      const store = await makeStore(limits);
      cleanups.push(store.cleanup);
      return store;
    };
    const open = async (limits: ArtifactLimits = DEFAULT_LIMITS): Promise<ArtifactStore> =>
      (await made(limits)).store;
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });

    it('round-trips binary data with its size and a default content type', async () => {
      const store = await open();
      const bytes = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(300_000),
      ]);
      const info = await store.put('users/alice/jobs/a/blob.bin', bytes);
      expect(info).toMatchObject({
        key: 'users/alice/jobs/a/blob.bin',
        sizeBytes: bytes.length,
        contentType: 'application/octet-stream',
      });
      expect(Number.isNaN(Date.parse(info.modifiedAt))).toBe(false);
      const found = await store.get('users/alice/jobs/a/blob.bin');
      if (!found) throw new Error('the object just stored is missing');
      expect(found.info).toMatchObject({ sizeBytes: bytes.length, contentType: 'application/octet-stream' });
      expect((await readAll(found.body)).equals(bytes)).toBe(true);
    });

    it('stores an empty object', async () => {
      const store = await open();
      await store.put('users/alice/empty.txt', new Uint8Array());
      expect(await store.head('users/alice/empty.txt')).toMatchObject({ sizeBytes: 0 });
      expect((await contentOf(store, 'users/alice/empty.txt'))?.length).toBe(0);
    });

    it('stores a streamed body chunk by chunk', async () => {
      const store = await open();
      const { body, yielded } = chunkStream(40, 16 * 1024, 7);
      const info = await store.put('users/alice/stream.bin', body, { contentType: 'text/plain' });
      expect(yielded.count).toBe(40);
      expect(info.sizeBytes).toBe(40 * 16 * 1024);
      const content = await contentOf(store, 'users/alice/stream.bin');
      expect(content?.equals(Buffer.alloc(40 * 16 * 1024, 7))).toBe(true);
    });

    it('round-trips the content type through head and get; a listing carries size and time only', async () => {
      const store = await open();
      await store.put('users/alice/out/report.html', Buffer.from('<p>hi</p>'), {
        contentType: 'text/html; charset=utf-8',
      });
      expect((await store.head('users/alice/out/report.html'))?.contentType).toBe('text/html; charset=utf-8');
      expect((await infoFromGet(store, 'users/alice/out/report.html'))?.contentType).toBe(
        'text/html; charset=utf-8',
      );
      const [listed] = await store.list('users/alice/out/');
      expect(listed).toMatchObject({ key: 'users/alice/out/report.html', sizeBytes: 9 });
      // A listing that returned content types would have read every object (a HEAD each on S3).
      expect(listed).not.toHaveProperty('contentType');
      expect(Math.abs(Date.parse(listed?.modifiedAt ?? '') - Date.now())).toBeLessThan(5 * 60_000);
    });

    it('rejects a content type that is not a media type', async () => {
      const store = await open();
      const err = await rejectionOf(
        store.put('users/alice/x', Buffer.from('x'), { contentType: 'text/html\r\nX: y' }),
      );
      expect(err).toBeInstanceOf(InvalidInput);
      expect(await store.head('users/alice/x')).toBeUndefined();
    });

    it('returns undefined for get and head of a missing key', async () => {
      const store = await open();
      await store.put('users/alice/jobs/a/present', Buffer.from('x'));
      expect(await store.get('users/alice/jobs/a/missing')).toBeUndefined();
      expect(await store.head('users/alice/jobs/a/missing')).toBeUndefined();
      // A "directory" of other keys is not an object either.
      expect(await store.get('users/alice/jobs/a')).toBeUndefined();
      expect(await store.head('users/alice/jobs')).toBeUndefined();
    });

    it('shows readers the old object until a streamed replace completes, then the new one', async () => {
      const store = await open();
      const key = 'users/alice/jobs/a/output.ipynb';
      const oldBytes = Buffer.alloc(200_000, 1);
      await store.put(key, oldBytes, { contentType: 'application/json' });
      const openedBefore = await store.get(key);
      if (!openedBefore) throw new Error('the object just stored is missing');

      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let firstChunkSent!: () => void;
      const firstChunk = new Promise<void>((resolve) => (firstChunkSent = resolve));
      async function* slowBody(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(100_000, 2);
        firstChunkSent();
        await released;
        yield Buffer.alloc(50_000, 2);
      }
      const replacing = store.put(key, slowBody(), { contentType: 'text/plain' });
      await firstChunk;
      expect(await store.head(key)).toMatchObject({ sizeBytes: 200_000, contentType: 'application/json' });
      expect((await contentOf(store, key))?.equals(oldBytes)).toBe(true);
      release();
      await replacing;

      expect(await store.head(key)).toMatchObject({ sizeBytes: 150_000, contentType: 'text/plain' });
      expect((await contentOf(store, key))?.equals(Buffer.alloc(150_000, 2))).toBe(true);
      // A read that started before the replace still yields the whole old object.
      expect((await readAll(openedBefore.body)).equals(oldBytes)).toBe(true);
    });

    it('lists keys under a prefix in byte order, and none from sibling prefixes', async () => {
      const store = await open();
      const keys = [
        'users/alice/jobs/b/runs/r1/log.txt',
        'users/alice/jobs/a/runs/r2/output.ipynb',
        'users/alice/jobs/a/inputs/abc.ipynb',
        'users/alice/jobs/a-b/inputs/x.ipynb',
        'users/alicex/jobs/a/inputs/y.ipynb',
        'users/bob/jobs/a/inputs/z.ipynb',
      ];
      for (const [i, key] of keys.entries()) await store.put(key, Buffer.alloc(i + 1, i));
      const listed = await store.list('users/alice/');
      // "-" (0x2d) sorts before "/" (0x2f), as S3 orders keys.
      expect(listed.map((info) => info.key)).toEqual([
        'users/alice/jobs/a-b/inputs/x.ipynb',
        'users/alice/jobs/a/inputs/abc.ipynb',
        'users/alice/jobs/a/runs/r2/output.ipynb',
        'users/alice/jobs/b/runs/r1/log.txt',
      ]);
      expect(listed[3]).toMatchObject({ key: 'users/alice/jobs/b/runs/r1/log.txt', sizeBytes: 1 });
      expect(Number.isNaN(Date.parse(listed[3]?.modifiedAt ?? ''))).toBe(false);
      expect((await store.list('users/alice/jobs/a/')).map((info) => info.key)).toEqual([
        'users/alice/jobs/a/inputs/abc.ipynb',
        'users/alice/jobs/a/runs/r2/output.ipynb',
      ]);
      expect(await store.list('users/carol/')).toEqual([]);
      expect(await store.keys('users/alice/jobs/a/')).toEqual([
        'users/alice/jobs/a/inputs/abc.ipynb',
        'users/alice/jobs/a/runs/r2/output.ipynb',
      ]);
      expect(await store.keys('users/carol/')).toEqual([]);
      expect(await store.head('users/alice/jobs/a/inputs/abc.ipynb')).toMatchObject({ sizeBytes: 3 });
    });

    it('deletes one object, and deleting a missing one is fine', async () => {
      const store = await open();
      await store.put('users/alice/jobs/a/one', Buffer.from('1'));
      await store.put('users/alice/jobs/a/two', Buffer.from('2'));
      await store.delete('users/alice/jobs/a/one');
      await store.delete('users/alice/jobs/a/one');
      await store.delete('users/alice/never/was');
      expect(await store.head('users/alice/jobs/a/one')).toBeUndefined();
      expect((await store.list('users/alice/')).map((info) => info.key)).toEqual(['users/alice/jobs/a/two']);
      await store.delete('users/alice/jobs/a/two');
      await store.put('users/alice/jobs/a/three', Buffer.from('3'));
      expect(await contentOf(store, 'users/alice/jobs/a/three')).toEqual(Buffer.from('3'));
    });

    it('deletes every object under a prefix and nothing beside it', async () => {
      const store = await open();
      const keep = ['users/alice/jobs/a.keep', 'users/alice/jobs/a-b/x', 'users/bob/jobs/a/x'];
      const remove = [
        'users/alice/jobs/a/x',
        'users/alice/jobs/a/runs/1/log.txt',
        'users/alice/jobs/a/runs/2/log.txt',
      ];
      for (const key of [...keep, ...remove]) await store.put(key, Buffer.from('k'));
      await store.deletePrefix('users/alice/jobs/a/');
      for (const key of remove) expect(await store.head(key)).toBeUndefined();
      expect((await store.list('users/')).map((info) => info.key)).toEqual([
        'users/alice/jobs/a-b/x',
        'users/alice/jobs/a.keep',
        'users/bob/jobs/a/x',
      ]);
      await store.deletePrefix('users/nobody/');
      // An object named like the prefix without its slash is not under it.
      await store.deletePrefix('users/alice/jobs/a.keep/');
      expect(await store.head('users/alice/jobs/a.keep')).toMatchObject({ sizeBytes: 1 });
    });

    it('sums the bytes under an owner prefix, counting a replaced object once', async () => {
      const store = await open();
      expect(await store.usage('users/alice/')).toBe(0);
      await store.put('users/alice/jobs/a/x', Buffer.alloc(1000));
      await store.put('users/alice/jobs/b/y', Buffer.alloc(234));
      await store.put('users/alicex/jobs/a/z', Buffer.alloc(5000));
      expect(await store.usage('users/alice/')).toBe(1234);
      await store.put('users/alice/jobs/a/x', Buffer.alloc(10));
      expect(await store.usage('users/alice/')).toBe(244);
      await store.delete('users/alice/jobs/b/y');
      expect(await store.usage('users/alice/')).toBe(10);
      expect(await store.usage('users/alicex/')).toBe(5000);
    });

    it('refuses an object over the per-object limit and keeps the previous version', async () => {
      const store = await open({ maxObjectBytes: 4096, maxOwnerBytes: 1024 * 1024 });
      const key = 'users/alice/jobs/a/output.html';
      await store.put(key, Buffer.alloc(4096, 1), { contentType: 'text/html' });

      const whole = await rejectionOf(store.put(key, Buffer.alloc(4097, 2)));
      expect(whole).toBeInstanceOf(TooLarge);
      expect(toHttpError(whole).status).toBe(413);
      expect(toHttpError(whole).detail).toContain('over the 4 KiB limit');

      const { body, yielded } = chunkStream(100, 1024, 3);
      expect(await rejectionOf(store.put(key, body))).toBeInstanceOf(TooLarge);
      // The limit stops the stream instead of reading it all first.
      expect(yielded.count).toBeLessThan(10);

      expect(await store.head(key)).toMatchObject({ sizeBytes: 4096, contentType: 'text/html' });
      expect((await contentOf(store, key))?.equals(Buffer.alloc(4096, 1))).toBe(true);
      expect(await rejectionOf(store.put('users/alice/jobs/a/new', Buffer.alloc(5000)))).toBeInstanceOf(
        TooLarge,
      );
      expect(await store.head('users/alice/jobs/a/new')).toBeUndefined();
      expect((await store.list('users/alice/')).map((info) => info.key)).toEqual([key]);
    });

    it("refuses a put past the owner's total limit (403, quota artifactBytes), per owner", async () => {
      const store = await open({ maxObjectBytes: 8 * 1024, maxOwnerBytes: 10 * 1024 });
      await store.put('users/alice/a', Buffer.alloc(6 * 1024));
      const err = await rejectionOf(store.put('users/alice/b', Buffer.alloc(6 * 1024)));
      expect(err).toBeInstanceOf(QuotaExceeded);
      expect(toHttpError(err)).toMatchObject({
        status: 403,
        extensions: { quota: 'artifactBytes', limit: 10 * 1024 },
      });
      expect(toHttpError(err).detail).toContain('10 KiB total limit');
      expect(await store.head('users/alice/b')).toBeUndefined();
      // Replacing an object only counts the difference; other owners have their own allowance.
      await store.put('users/alice/a', Buffer.alloc(8 * 1024));
      await store.put('users/alice/b', Buffer.alloc(2 * 1024));
      await store.put('users/bob/a', Buffer.alloc(8 * 1024));
      expect(await store.usage('users/alice/')).toBe(10 * 1024);
      expect(await rejectionOf(store.put('users/alice/c', Buffer.alloc(1)))).toBeInstanceOf(QuotaExceeded);
    });

    it("looks the owner's limit up per put when given a function (the artifactBytes quota)", async () => {
      const limits: Record<string, number> = { 'users/alice/': 4 * 1024 };
      const store = await open({
        maxObjectBytes: 8 * 1024,
        maxOwnerBytes: (owner) => Promise.resolve(limits[owner] ?? 1024),
      });
      await store.put('users/alice/a', Buffer.alloc(3 * 1024));
      const err = await rejectionOf(store.put('users/alice/b', Buffer.alloc(2 * 1024)));
      expect(toHttpError(err)).toMatchObject({
        status: 403,
        extensions: { quota: 'artifactBytes', limit: 4096 },
      });
      expect(await rejectionOf(store.put('users/bob/a', Buffer.alloc(2 * 1024)))).toBeInstanceOf(
        QuotaExceeded,
      );
      // A raised limit applies to the next put.
      limits['users/alice/'] = 8 * 1024;
      await store.put('users/alice/b', Buffer.alloc(2 * 1024));
      expect(await store.usage('users/alice/')).toBe(5 * 1024);
    });

    it('rejects keys that are absolute, climb out, or have empty segments', async () => {
      const store = await open();
      const badKeys = [
        '../x',
        '/abs/olute/key',
        'a//b/c',
        'users/alice/../bob/x',
        'users\\alice\\x',
        'users/alice/',
        '',
        // Where the S3 backend keeps usage records.
        '.turing-usage/users/alice.json',
      ];
      for (const key of badKeys) {
        expect(await rejectionOf(store.put(key, Buffer.from('x'))), key).toBeInstanceOf(InvalidInput);
        expect(await rejectionOf(store.get(key)), key).toBeInstanceOf(InvalidInput);
        expect(await rejectionOf(store.head(key)), key).toBeInstanceOf(InvalidInput);
        expect(await rejectionOf(store.delete(key)), key).toBeInstanceOf(InvalidInput);
      }
      for (const prefix of ['', 'users/alice', '../', '/users/', 'users//']) {
        expect(await rejectionOf(store.list(prefix)), prefix).toBeInstanceOf(InvalidInput);
        expect(await rejectionOf(store.deletePrefix(prefix)), prefix).toBeInstanceOf(InvalidInput);
      }
      expect(await rejectionOf(store.usage('users/alice/jobs/'))).toBeInstanceOf(InvalidInput);
    });
  });
  describeArtifactUsageContract(name, makeStore);
}
