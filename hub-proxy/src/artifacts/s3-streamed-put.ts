import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 refuses parts under 5 MiB (all but the last) and over 5 GiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
/** S3 takes at most this many parts per upload. */
const MAX_PARTS = 10_000;

/** Where and how {@link putStreamed} writes. */
export interface StreamedPutTarget {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string;
  /** Size of each part but the last; at least {@link MIN_PART_BYTES}. */
  partSizeBytes: number;
  /**
   * Wraps every S3 call (turns SDK failures into domain errors). `operation`
   * names it for messages, e.g. `store an object`.
   */
  send<T>(operation: string, call: () => Promise<T>): Promise<T>;
  /**
   * Makes the object visible: called once the whole body is read and its
   * size known, with the request that publishes it (PutObject, or
   * CompleteMultipartUpload). The store reserves the bytes in the owner's
   * usage record first, and may throw (a limit) to store nothing.
   */
  commit(sizeBytes: number, publish: () => Promise<void>): Promise<void>;
}

/**
 * Cuts a stream of chunks into parts of exactly `partSizeBytes` (the last
 * may be shorter, or empty for an empty body). Each chunk is copied into the
 * part being filled as it arrives, so the chunks are garbage at once and a
 * part costs its own size only. `count` sees every chunk first, so a size
 * limit stops the stream before more is read.
 */
async function* partsOf(
  chunks: AsyncIterable<Uint8Array>,
  partSizeBytes: number,
  count: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  let part: Buffer | undefined;
  let filled = 0;
  let yielded = false;
  for await (const chunk of chunks) {
    count(chunk.byteLength);
    for (let offset = 0; offset < chunk.byteLength; ) {
      part ??= Buffer.allocUnsafe(partSizeBytes);
      const copied = Math.min(partSizeBytes - filled, chunk.byteLength - offset);
      part.set(chunk.subarray(offset, offset + copied), filled);
      filled += copied;
      offset += copied;
      if (filled === partSizeBytes) {
        const full = part;
        part = undefined;
        filled = 0;
        yielded = true;
        yield full;
      }
    }
  }
  if (filled > 0 || !yielded) yield part ? Buffer.from(part.subarray(0, filled)) : Buffer.alloc(0);
}

/**
 * Writes a streamed body to S3 with memory bounded by two parts: a body that
 * fits in one part goes up with one PutObject; a larger one as a multipart
 * upload, one part in flight while the next is collected. Either way the
 * object appears only when complete (S3 applies PutObject and
 * CompleteMultipartUpload atomically), and a failure (the body's, a limit
 * thrown by `count`, or the store's) aborts the multipart upload, so neither
 * an object nor stored parts are left behind. Resolves to the bytes written.
 */
export async function putStreamed(
  target: StreamedPutTarget,
  body: AsyncIterable<Uint8Array>,
  count: (bytes: number) => void,
): Promise<number> {
  const parts = partsOf(body, target.partSizeBytes, count);
  // Parts travel in this queue only, so nothing here keeps one alive once it is uploaded.
  const queue = await firstParts(parts, 2);
  if (queue.length < 2) {
    const only = queue.pop() ?? Buffer.alloc(0);
    await target.commit(only.byteLength, () => putObject(target, only));
    return only.byteLength;
  }
  return multipartUpload(target, queue, parts);
}

/** Up to `n` parts from the start of `parts`. */
async function firstParts(parts: AsyncGenerator<Buffer>, n: number): Promise<Buffer[]> {
  const taken: Buffer[] = [];
  while (taken.length < n) {
    const part = await nextPart(parts);
    if (!part) break;
    taken.push(part);
  }
  return taken;
}

/** The next part, or undefined at the end. */
async function nextPart(parts: AsyncGenerator<Buffer>): Promise<Buffer | undefined> {
  const next = await parts.next();
  return next.done ? undefined : next.value;
}

async function putObject(target: StreamedPutTarget, bytes: Buffer): Promise<void> {
  const { client, bucket, key, contentType } = target;
  await target.send('store an object', () =>
    client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: contentType,
      }),
    ),
  );
}

async function multipartUpload(
  target: StreamedPutTarget,
  queue: Buffer[],
  rest: AsyncGenerator<Buffer>,
): Promise<number> {
  const { client, bucket, key } = target;
  const created = await target
    .send('start a multipart upload', () =>
      client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: target.contentType }),
      ),
    )
    .catch(async (err: unknown) => {
      // Nothing to abort yet, but the body must stop being read.
      await rest.return(undefined).catch(() => undefined);
      throw err;
    });
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  const completed: CompletedPart[] = [];
  let bytes = 0;
  const upload = (partNumber: number, part: Buffer): Promise<void> => {
    if (partNumber > MAX_PARTS) {
      return Promise.reject(new Error(`the body needs more than ${MAX_PARTS} parts; raise the part size`));
    }
    bytes += part.byteLength;
    return target
      .send('upload a part', () =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: part,
            ContentLength: part.byteLength,
          }),
        ),
      )
      .then((answer) => {
        completed.push({ PartNumber: partNumber, ETag: answer.ETag ?? '' });
      });
  };
  let inFlight: Promise<void> | undefined;
  try {
    let current = queue.shift();
    for (let partNumber = 1; current; partNumber++) {
      inFlight = upload(partNumber, current);
      // Handled now so a failure while the next part is read is not an unhandled rejection.
      inFlight.catch(() => undefined);
      // The upload holds this part; the next is collected meanwhile: two parts in memory at most.
      current = queue.shift() ?? (await nextPart(rest));
      await inFlight;
      inFlight = undefined;
    }
    completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await target.commit(bytes, async () => {
      await target.send('complete a multipart upload', () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: completed },
          }),
        ),
      );
    });
    return bytes;
  } catch (err) {
    // A part still uploading would be stored after the abort: let it finish first.
    await inFlight?.catch(() => undefined);
    await rest.return(undefined).catch(() => undefined);
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw err;
  }
}
