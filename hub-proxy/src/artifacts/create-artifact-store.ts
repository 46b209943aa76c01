import { z } from 'zod';
import type { OwnerBytesLimit } from './artifact-limits.js';
import type { ArtifactStore } from './artifact-store.js';
import { FilesystemArtifactStore } from './filesystem-store.js';
import { S3ArtifactStore } from './s3-store.js';

const MiB = 1024 * 1024;

/** Default largest single artifact (an output notebook with plots). */
export const DEFAULT_MAX_OBJECT_BYTES = 50 * MiB;
/**
 * Default most bytes one user's artifacts may hold together. With the
 * quotas feature this only seeds the `artifactBytes` quota, which then
 * replaces it (see {@link createArtifactStore}'s `ownerBytesLimit`).
 */
export const DEFAULT_MAX_OWNER_BYTES = 1024 * MiB;

/** A byte count; numbers in text (environment variables) are accepted. */
const byteCount = z.coerce.number().int().positive();

const limits = {
  maxObjectBytes: byteCount.default(DEFAULT_MAX_OBJECT_BYTES),
  maxOwnerBytes: byteCount.default(DEFAULT_MAX_OWNER_BYTES),
  /** Seconds after which an owner's usage record is recounted on next use (default one day). */
  usageRecountSeconds: z.coerce.number().int().positive().optional(),
};

/** `true`/`false`, also spelled as text (z.coerce.boolean would read "false" as true). */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

const filesystemSchema = z.strictObject({
  backend: z.literal('filesystem'),
  /** Root directory of the store (a PVC mount in the cluster). */
  directory: z.string().min(1, 'must name a directory'),
  ...limits,
});

const s3Schema = z
  .strictObject({
    backend: z.literal('s3'),
    /** S3-compatible endpoint (MinIO, Ceph, moto); absent: AWS. */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    region: z.string().min(1).default('us-east-1'),
    bucket: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3-63 of a-z, 0-9, "." and "-")',
      ),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    forcePathStyle: flag.default(false),
    /** Multipart part size: bodies larger than one part stream up part by part (5 MiB to 5 GiB). */
    partSizeBytes: byteCount
      .min(5 * MiB)
      .max(5 * 1024 * MiB)
      .optional(),
    ...limits,
  })
  .refine((config) => (config.accessKeyId === undefined) === (config.secretAccessKey === undefined), {
    message: 'accessKeyId and secretAccessKey must be given together',
    path: ['secretAccessKey'],
  });

/**
 * Settings of the artifact store: `filesystem` (the default in the chart, a
 * PVC) or `s3` (any S3-compatible server). Limits default to 50 MiB per
 * object and 1 GiB per user.
 */
export const artifactStoreConfigSchema = z.discriminatedUnion('backend', [filesystemSchema, s3Schema]);

/** Validated artifact store settings (the output of {@link artifactStoreConfigSchema}). */
export type ArtifactStoreConfig = z.infer<typeof artifactStoreConfigSchema>;

/**
 * The store `config` describes. Nothing is contacted or created until first
 * use. `ownerBytesLimit` (the `artifactBytes` quota per owner) replaces the
 * fixed `maxOwnerBytes` when given.
 */
export function createArtifactStore(
  config: ArtifactStoreConfig,
  ownerBytesLimit?: OwnerBytesLimit,
): ArtifactStore {
  const { maxObjectBytes } = config;
  const maxOwnerBytes = ownerBytesLimit ?? config.maxOwnerBytes;
  const recount =
    config.usageRecountSeconds === undefined ? {} : { recountIntervalMs: config.usageRecountSeconds * 1000 };
  if (config.backend === 'filesystem') {
    return new FilesystemArtifactStore({
      directory: config.directory,
      maxObjectBytes,
      maxOwnerBytes,
      ...recount,
    });
  }
  return new S3ArtifactStore({
    ...recount,
    region: config.region,
    bucket: config.bucket,
    forcePathStyle: config.forcePathStyle,
    maxObjectBytes,
    maxOwnerBytes,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.accessKeyId === undefined ? {} : { accessKeyId: config.accessKeyId }),
    ...(config.secretAccessKey === undefined ? {} : { secretAccessKey: config.secretAccessKey }),
    ...(config.partSizeBytes === undefined ? {} : { partSizeBytes: config.partSizeBytes }),
  });
}
