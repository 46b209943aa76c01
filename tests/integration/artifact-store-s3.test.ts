import {
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeArtifactStoreContract } from '../../hub-proxy/src/artifacts/artifact-store-contract.js';
import { S3ArtifactStore } from '../../hub-proxy/src/artifacts/s3-store.js';
import { TooLarge, Unavailable, UpstreamFailed } from '../../hub-proxy/src/errors/index.js';
import { toHttpError } from '../../hub-proxy/src/http/error-mapping.js';
import { freePort } from '../support/ports.js';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

const storeOptions = (endpoint: string, bucket: string) => ({
  endpoint,
  region: MOTO_REGION,
  bucket,
  forcePathStyle: true,
  ...MOTO_CREDENTIALS,
});

// Each test gets a fresh bucket, so no test sees another's objects or usage.
describeArtifactStoreContract('S3 (moto server)', async (limits) => {
  const bucket = `turing-${randomBytes(6).toString('hex')}`;
  await moto.createBucket(bucket);
  const store = new S3ArtifactStore({ ...storeOptions(moto.endpoint, bucket), ...limits });
  const others: S3ArtifactStore[] = [];
  const raw = new S3Client({ ...storeOptions(moto.endpoint, bucket), credentials: MOTO_CREDENTIALS });
  return {
    store,
    reopen: () => {
      const other = new S3ArtifactStore({ ...storeOptions(moto.endpoint, bucket), ...limits });
      others.push(other);
      return Promise.resolve(other);
    },
    plant: async (key, bytes) => {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    cleanup: async () => {
      await store.deletePrefix('users/');
      for (const made of [store, ...others]) made.destroy();
      raw.destroy();
    },
  };
});

describe('S3ArtifactStore against moto', () => {
  it('lists and deletes past one page of 1000 keys', async () => {
    const bucket = `turing-${randomBytes(6).toString('hex')}`;
    await moto.createBucket(bucket);
    const store = new S3ArtifactStore({
      ...storeOptions(moto.endpoint, bucket),
      maxObjectBytes: 1024,
      maxOwnerBytes: 1024 * 1024,
    });
    try {
      const keys = Array.from({ length: 1005 }, (_, i) => `users/alice/many/${String(i).padStart(4, '0')}`);
      // Seeded straight through S3, before the owner has a usage record: the first use counts them.
      const seeder = new S3Client({ ...storeOptions(moto.endpoint, bucket), credentials: MOTO_CREDENTIALS });
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(
          keys
            .slice(i, i + 50)
            .map((Key) => seeder.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }))),
        );
      }
      seeder.destroy();
      expect(await store.usage('users/alice/')).toBe(1005);
      const listed = await store.list('users/alice/many/');
      expect(listed.map((info) => info.key)).toEqual(keys);
      await store.deletePrefix('users/alice/');
      expect(await store.usage('users/alice/')).toBe(0);
    } finally {
      store.destroy();
    }
  });

  it('lists 2,500 objects with 3 ListObjectsV2 requests and no HEAD, and puts among them without listing', async () => {
    const bucket = `turing-${randomBytes(6).toString('hex')}`;
    await moto.createBucket(bucket);
    const requests: string[] = [];
    const store = new S3ArtifactStore({
      ...storeOptions(moto.endpoint, bucket),
      maxObjectBytes: 1024,
      maxOwnerBytes: 1024 * 1024,
      onRequest: (command) => requests.push(command),
    });
    const seeder = new S3Client({ ...storeOptions(moto.endpoint, bucket), credentials: MOTO_CREDENTIALS });
    try {
      const keys = Array.from({ length: 2500 }, (_, i) => `users/alice/many/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(
          keys
            .slice(i, i + 50)
            .map((Key) => seeder.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'xy' }))),
        );
      }
      const listed = await store.list('users/alice/');
      expect(listed).toHaveLength(2500);
      expect(listed[2499]).toMatchObject({ key: keys[2499], sizeBytes: 2 });
      // ceil(2500 / 1000) pages: O(N/1000) requests, none per object.
      expect(requests).toEqual(['ListObjectsV2Command', 'ListObjectsV2Command', 'ListObjectsV2Command']);

      // The first use seeds the usage record with one count; puts after that never list.
      expect(await store.usage('users/alice/')).toBe(5000);
      requests.length = 0;
      await store.put('users/alice/one-more', Buffer.alloc(100));
      await store.put('users/alice/many/0000', Buffer.alloc(10)); // replaces 2 bytes
      expect(requests.filter((command) => command === 'ListObjectsV2Command')).toEqual([]);
      // Per put: the record and the key's HEAD to open, HEAD + record compare-and-swap + PutObject to commit.
      expect(requests.length).toBeLessThanOrEqual(2 * 6);
      expect(await store.usage('users/alice/')).toBe(5000 + 100 + 8);
      expect(await store.recount('users/alice/')).toBe(5108);
    } finally {
      seeder.destroy();
      await store.deletePrefix('users/');
      store.destroy();
    }
  });

  it('gives a reservation back when S3 refuses the object, and keeps it when S3 cannot be reached', async () => {
    const bucket = `turing-${randomBytes(6).toString('hex')}`;
    await moto.createBucket(bucket);
    let refuse: 'no' | 'refuse' | 'cut' = 'no';
    const store = new S3ArtifactStore({
      ...storeOptions(moto.endpoint, bucket),
      maxObjectBytes: 1024,
      maxOwnerBytes: 4096,
    });
    // Fails PutObject of data keys only, as S3 would (an error answer) or as a dropped connection would.
    (store as unknown as { client: S3Client }).client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (
          refuse !== 'no' &&
          context.commandName === 'PutObjectCommand' &&
          input.Key?.startsWith('users/')
        ) {
          if (refuse === 'cut') throw new Error('socket hang up');
          const { S3ServiceException } = await import('@aws-sdk/client-s3');
          throw new S3ServiceException({
            name: 'InternalError',
            $fault: 'server',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'testFailPut' },
    );
    try {
      await store.put('users/alice/a', Buffer.alloc(1000));
      refuse = 'refuse';
      expect(await store.put('users/alice/b', Buffer.alloc(1000)).catch((e: unknown) => e)).toBeInstanceOf(
        UpstreamFailed,
      );
      expect(await store.usage('users/alice/')).toBe(1000);
      refuse = 'cut';
      expect(await store.put('users/alice/c', Buffer.alloc(1000)).catch((e: unknown) => e)).toBeInstanceOf(
        Unavailable,
      );
      // The object might exist: the record errs high until a recount looks.
      expect(await store.usage('users/alice/')).toBe(2000);
      refuse = 'no';
      expect(await store.recount('users/alice/')).toBe(1000);
    } finally {
      await store.deletePrefix('users/');
      store.destroy();
    }
  });

  it('reports a missing bucket as a bad gateway', async () => {
    const store = new S3ArtifactStore({
      ...storeOptions(moto.endpoint, 'turing-no-such-bucket'),
      maxObjectBytes: 1024,
      maxOwnerBytes: 4096,
    });
    try {
      const err = await store.list('users/alice/').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamFailed);
      expect(toHttpError(err).status).toBe(502);
      expect(toHttpError(err).detail).toContain('NoSuchBucket');
    } finally {
      store.destroy();
    }
  });

  it('reports a server that is not there as unavailable', async () => {
    const store = new S3ArtifactStore({
      ...storeOptions(`http://127.0.0.1:${await freePort()}`, 'turing-nowhere'),
      maxObjectBytes: 1024,
      maxOwnerBytes: 4096,
    });
    try {
      const err = await store.head('users/alice/x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Unavailable);
      expect(toHttpError(err).status).toBe(503);
    } finally {
      store.destroy();
    }
  });
});

/** V8's full collection, reached without starting node with --expose-gc. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const collectGarbage = garbageCollector();

describe('S3ArtifactStore streams large puts as multipart uploads (moto)', () => {
  const MiB = 1024 * 1024;
  const PART = 5 * MiB;
  let bucket: string;
  let store: S3ArtifactStore;
  let s3: S3Client;

  beforeAll(async () => {
    bucket = `turing-${randomBytes(6).toString('hex')}`;
    await moto.createBucket(bucket);
    s3 = new S3Client({ ...storeOptions(moto.endpoint, bucket), credentials: MOTO_CREDENTIALS });
    store = new S3ArtifactStore({
      ...storeOptions(moto.endpoint, bucket),
      maxObjectBytes: 48 * MiB,
      maxOwnerBytes: 256 * MiB,
      partSizeBytes: PART,
    });
  });
  afterAll(async () => {
    await store?.deletePrefix('users/');
    store?.destroy();
    s3?.destroy();
  });

  /** `count` fresh chunks of `size` bytes; throws after `failAfter` chunks when given. */
  async function* chunks(count: number, size: number, failAfter?: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < count; i++) {
      if (failAfter !== undefined && i === failAfter) throw new Error('client went away');
      yield Buffer.alloc(size, i % 251);
    }
  }

  const etagOf = async (key: string) =>
    (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag ?? '';
  const openUploads = async () =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];

  it('stores a small body with one PutObject (no multipart ETag)', async () => {
    await store.put('users/alice/small', Buffer.alloc(64 * 1024, 7));
    expect(await etagOf('users/alice/small')).not.toMatch(/-\d+"?$/);
  });

  it('uploads a 40 MiB stream in 5 MiB parts with memory bounded by a couple of parts', async () => {
    const key = 'users/alice/big';
    // A full GC before each sample measures what the put holds, not garbage not yet collected.
    const before = (collectGarbage(), process.memoryUsage());
    let peakRss = 0;
    let peakBuffers = 0;
    const sampler = setInterval(() => {
      collectGarbage();
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss - before.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers - before.arrayBuffers);
    }, 10);
    try {
      const info = await store.put(key, chunks(40 * 16, 64 * 1024));
      expect(info.sizeBytes).toBe(40 * MiB);
    } finally {
      clearInterval(sampler);
    }
    console.log(
      `[s3 multipart] 40 MiB put: peak RSS +${(peakRss / MiB).toFixed(1)} MiB, ` +
        `peak live array buffers +${(peakBuffers / MiB).toFixed(1)} MiB`,
    );
    // The multipart ETag of S3 (and moto) ends in "-<number of parts>".
    expect(await etagOf(key)).toMatch(/-8"?$/);
    expect((await store.head(key))?.sizeBytes).toBe(40 * MiB);
    // Buffering the whole body (and concatenating it) held 80 MiB. Two parts are 10 MiB; samples
    // may still count buffers the GC freed but has not swept yet, hence the margin.
    expect(peakBuffers).toBeLessThan(32 * MiB);
    expect(peakRss).toBeLessThan(48 * MiB);
    const expected = createHash('sha256');
    for await (const piece of chunks(40 * 16, 64 * 1024)) expected.update(piece);
    const actual = createHash('sha256');
    for await (const piece of (await store.get(key))?.body ?? []) actual.update(piece);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
    expect(await openUploads()).toEqual([]);
  });

  it('aborts the multipart upload when the body fails midway: no object, no upload left', async () => {
    const key = 'users/alice/broken';
    const err = await store.put(key, chunks(20 * 16, 64 * 1024, 12 * 16)).catch((e: unknown) => e);
    expect((err as Error).message).toContain('client went away');
    expect(await store.head(key)).toBeUndefined();
    expect(await openUploads()).toEqual([]);
  });

  it('aborts an upload that goes over the object limit: 413, previous version kept, no upload left', async () => {
    const limited = new S3ArtifactStore({
      ...storeOptions(moto.endpoint, bucket),
      maxObjectBytes: 12 * MiB,
      maxOwnerBytes: 256 * MiB,
      partSizeBytes: PART,
    });
    try {
      const key = 'users/bob/limited';
      await limited.put(key, Buffer.alloc(1024, 1));
      const err = await limited.put(key, chunks(20 * 16, 64 * 1024)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TooLarge);
      expect(toHttpError(err).status).toBe(413);
      expect((await limited.head(key))?.sizeBytes).toBe(1024);
      expect(await openUploads()).toEqual([]);
    } finally {
      limited.destroy();
    }
  });
});
