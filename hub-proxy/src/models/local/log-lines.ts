import { open } from 'node:fs/promises';

/** How much of a log's end is read at most, whatever `count` asks. */
const MAX_TAIL_BYTES = 1024 * 1024;

/**
 * The last `count` lines of the file at `path` from byte `offset` on (empty
 * if it does not exist), read from its end: a serving process's log can be
 * large.
 */
export async function lastLines(path: string, count: number, offset = 0): Promise<string> {
  if (count <= 0) return '';
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    let start = size;
    let breaks = 0;
    const buffers: Buffer[] = [];
    // Read backwards in growing chunks until there are enough line breaks.
    const floor = Math.max(0, offset, size - MAX_TAIL_BYTES);
    for (let chunk = 16 * 1024; start > floor && breaks <= count; chunk *= 2) {
      const from = Math.max(floor, start - chunk);
      const buffer = Buffer.alloc(start - from);
      await handle.read(buffer, 0, buffer.length, from);
      buffers.unshift(buffer);
      breaks += countBreaks(buffer);
      start = from;
    }
    // Decoded once, so a character split between two chunks stays whole.
    const text = Buffer.concat(buffers).toString('utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    // A first line cut by the byte limit is partial: dropped if there are more.
    if (start > Math.max(0, offset) && lines.length > count) lines.shift();
    return lines.slice(-count).join('\n') + (lines.length > 0 ? '\n' : '');
  } finally {
    await handle.close();
  }
}

function countBreaks(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}
