import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link tailLog}. */
export interface TailOptions {
  /** True once nothing more will be written (checked before each read, so the last write is seen). */
  isFinished: () => boolean;
  signal: AbortSignal;
  /** Pause between polls when there is nothing new; 200 ms. */
  pollMs?: number;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The text of the file at `path` from its start, then whatever is appended,
 * until `isFinished()` and the file is drained, or `signal` aborts. A file
 * that does not exist yet reads as empty. Multi-byte characters split
 * across reads are kept whole.
 */
export async function* tailLog(path: string, options: TailOptions): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const pollMs = options.pollMs ?? 200;
  let offset = 0;
  while (!options.signal.aborted) {
    const finished = options.isFinished();
    const bytes = await readFrom(path, offset);
    if (bytes.length > 0) {
      offset += bytes.length;
      const text = decoder.write(bytes);
      if (text) yield text;
      continue;
    }
    if (finished) break;
    try {
      await sleep(pollMs, undefined, { signal: options.signal });
    } catch {
      return; // aborted
    }
  }
  const rest = decoder.end();
  if (rest && !options.signal.aborted) yield rest;
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
