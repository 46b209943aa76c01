import { open } from 'node:fs/promises';

/** The runner's prefix for the one-line reason of a failed run (see `runner/turing_runner.py`). */
export const FAILURE_MARKER = 'turing-runner: run failed: ';
/** How much of the end of an attempt's log is searched. */
const SEARCH_BYTES = 64 * 1024;
const MAX_REASON_CHARS = 1000;

/**
 * Why an attempt failed, from its output (the log from `offset` on): the
 * text after the runner's last {@link FAILURE_MARKER}, or else the last
 * non-empty line (e.g. the exception line of a Python traceback).
 * Undefined when the attempt wrote nothing.
 */
export async function lastFailureReason(logPath: string, offset: number): Promise<string | undefined> {
  const text = await readTail(logPath, offset);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('--- attempt '));
  const marked = [...lines].reverse().find((l) => l.includes(FAILURE_MARKER));
  const line = marked ? marked.slice(marked.indexOf(FAILURE_MARKER) + FAILURE_MARKER.length) : lines.at(-1);
  if (!line) return undefined;
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS - 1)}…` : line;
}

async function readTail(path: string, offset: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(offset, size - SEARCH_BYTES);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
