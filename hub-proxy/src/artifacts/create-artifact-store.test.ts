import { describe, expect, it } from 'vitest';
import { artifactStoreConfigSchema, createArtifactStore } from './create-artifact-store.js';
import { FilesystemArtifactStore } from './filesystem-store.js';
import { S3ArtifactStore } from './s3-store.js';

describe('artifactStoreConfigSchema', () => {
  it('fills in default limits for a filesystem store', () => {
    expect(artifactStoreConfigSchema.parse({ backend: 'filesystem', directory: '/data/artifacts' })).toEqual({
      backend: 'filesystem',
      directory: '/data/artifacts',
      maxObjectBytes: 50 * 1024 * 1024,
      maxOwnerBytes: 1024 * 1024 * 1024,
    });
  });

  it('reads S3 settings given as environment text', () => {
    const config = artifactStoreConfigSchema.parse({
      backend: 's3',
      endpoint: 'http://minio:9000',
      bucket: 'turing-artifacts',
      forcePathStyle: 'false',
      maxObjectBytes: '1048576',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
    });
    expect(config).toMatchObject({ region: 'us-east-1', forcePathStyle: false, maxObjectBytes: 1048576 });
    expect(
      artifactStoreConfigSchema.parse({
        backend: 'filesystem',
        directory: '/d',
        usageRecountSeconds: '3600',
      }),
    ).toMatchObject({ usageRecountSeconds: 3600 });
  });

  it('names the field that is wrong', () => {
    const issues = (input: unknown) =>
      artifactStoreConfigSchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    expect(issues({ backend: 's3', bucket: 'Not_A_Bucket' })).toEqual(['bucket']);
    expect(issues({ backend: 's3', bucket: 'ok-bucket', accessKeyId: 'only-half' })).toEqual([
      'secretAccessKey',
    ]);
    expect(issues({ backend: 'filesystem', directory: '/d', maxOwnerBytes: -1 })).toEqual(['maxOwnerBytes']);
    expect(issues({ backend: 'ftp' })).toEqual(['backend']);
  });
});

describe('createArtifactStore', () => {
  it('makes the backend the config names', () => {
    const fs = createArtifactStore(
      artifactStoreConfigSchema.parse({ backend: 'filesystem', directory: 'rel/dir' }),
    );
    expect(fs).toBeInstanceOf(FilesystemArtifactStore);
    expect((fs as FilesystemArtifactStore).directory).toMatch(/^\/.*\/rel\/dir$/);
    const s3 = createArtifactStore(artifactStoreConfigSchema.parse({ backend: 's3', bucket: 'b-1' }));
    expect(s3).toBeInstanceOf(S3ArtifactStore);
    expect(s3.backend).toBe('s3');
    (s3 as S3ArtifactStore).destroy();
  });
});
