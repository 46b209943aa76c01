import { TuringApiError } from './errors';
import type { IModelsClient } from './models-client';
import type { ModelVersion, PublishRollout } from './model-types';

/** One file of a version to upload: where it goes in the version, its size, and how to read it. */
export interface VersionFileSource {
  /** Relative to the version's folder, `/`-separated (`variables/variables.index`). */
  path: string;
  sizeBytes: number;
  /** Reads the bytes (e.g. from the user's Jupyter server). */
  read: (signal?: AbortSignal) => Promise<Blob>;
}

/** How far an upload is. */
export interface VersionUploadProgress {
  phase: 'starting' | 'sending' | 'committing';
  /** Bytes of all files sent so far. */
  sentBytes: number;
  totalBytes: number;
  /** 0-based index of the file being sent. */
  fileIndex: number;
  fileCount: number;
  /** The file being sent. */
  path?: string;
}

/** Options of {@link uploadVersion}. */
export interface UploadVersionOptions {
  onProgress?: (progress: VersionUploadProgress) => void;
  signal?: AbortSignal;
}

/** Bytes for people, in the binary units Kubernetes uses (`1.5 GiB`). */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** The 413 raised before any byte is sent when the files exceed the upload's limit. */
export function tooLargeError(totalBytes: number, maxBytes: number): TuringApiError {
  return new TuringApiError({
    status: 413,
    title: 'Model too large',
    detail: `The files add up to ${formatByteSize(totalBytes)}; a version may have at most ${formatByteSize(maxBytes)}.`,
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('The upload was aborted.');
    error.name = 'AbortError';
    throw error;
  }
}

/**
 * Uploads `files` as the next version of model `name`: opens an upload,
 * refuses (413) before sending anything when the sizes exceed its
 * `maxBytes`, sends each file with progress (refusing a file whose size
 * changed since it was listed), then commits with `rollout`. An abandoned
 * upload is left to expire on the server.
 */
export async function uploadVersion(
  client: Pick<IModelsClient, 'beginUpload' | 'uploadFile' | 'commitUpload'>,
  name: string,
  files: readonly VersionFileSource[],
  rollout: PublishRollout,
  options: UploadVersionOptions = {},
): Promise<ModelVersion> {
  const { onProgress, signal } = options;
  const totalBytes = files.reduce((sum, f) => sum + f.sizeBytes, 0);
  const fileCount = files.length;
  onProgress?.({ phase: 'starting', sentBytes: 0, totalBytes, fileIndex: 0, fileCount });
  const session = await client.beginUpload(name, {
    files: files.map(({ path, sizeBytes }) => ({ path, sizeBytes })),
  });
  if (totalBytes > session.maxBytes) {
    throw tooLargeError(totalBytes, session.maxBytes);
  }
  let before = 0;
  for (const [fileIndex, file] of files.entries()) {
    throwIfAborted(signal);
    const progress = (sent: number): void =>
      onProgress?.({
        phase: 'sending',
        sentBytes: before + Math.min(sent, file.sizeBytes),
        totalBytes,
        fileIndex,
        fileCount,
        path: file.path,
      });
    progress(0);
    const blob = await file.read(signal);
    if (blob.size !== file.sizeBytes) {
      throw new TuringApiError({
        status: 409,
        title: 'File changed',
        detail: `${file.path} changed while it was being published (${blob.size} bytes now, ${file.sizeBytes} when listed). Publish again.`,
      });
    }
    await client.uploadFile(name, session.uploadId, file.path, blob, {
      onProgress: (sent) => progress(sent),
      ...(signal ? { signal } : {}),
    });
    before += file.sizeBytes;
  }
  throwIfAborted(signal);
  onProgress?.({ phase: 'committing', sentBytes: totalBytes, totalBytes, fileIndex: fileCount, fileCount });
  return client.commitUpload(name, session.uploadId, rollout);
}
