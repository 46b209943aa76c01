import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeArtifactStoreContract } from '../../hub-proxy/src/artifacts/artifact-store-contract.js';
import { S3ArtifactStore } from '../../hub-proxy/src/artifacts/s3-store.js';
import { Unavailable, UpstreamFailed } from '../../hub-proxy/src/errors/index.js';
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
  return {
    store,
    cleanup: async () => {
      await store.deletePrefix('users/');
      store.destroy();
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
      // Seeded straight through S3: a store put sums the owner's usage first, which would make this quadratic.
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
