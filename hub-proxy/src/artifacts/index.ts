export * from './artifact-key.js';
export { ArtifactQuota, formatBytes, type ArtifactLimits, type PutMeter } from './artifact-limits.js';
export { DEFAULT_CONTENT_TYPE, normalizeContentType } from './content-type.js';
export {
  DEFAULT_MAX_OBJECT_BYTES,
  DEFAULT_MAX_OWNER_BYTES,
  artifactStoreConfigSchema,
  createArtifactStore,
  type ArtifactStoreConfig,
} from './create-artifact-store.js';
export { FilesystemArtifactStore, type FilesystemArtifactStoreOptions } from './filesystem-store.js';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3-store.js';
export type { ArtifactInfo, ArtifactListing, ArtifactStore } from './artifact-store.js';
export { DEFAULT_RECOUNT_INTERVAL_MS } from './usage-record.js';
