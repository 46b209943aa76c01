import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastLines } from './log-lines.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lastLines', () => {
  it('returns the last lines of a short file', async () => {
    const path = join(dir, 'short.log');
    await writeFile(path, 'one\ntwo\nthree\n');
    expect(await lastLines(path, 2)).toBe('two\nthree\n');
    expect(await lastLines(path, 10)).toBe('one\ntwo\nthree\n');
  });

  it('keeps a last line that has no line break', async () => {
    const path = join(dir, 'open.log');
    await writeFile(path, 'a\nb\nc');
    expect(await lastLines(path, 2)).toBe('b\nc\n');
  });

  it('reads only the end of a file larger than one chunk', async () => {
    const path = join(dir, 'long.log');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    await writeFile(path, `${lines.join('\n')}\n`);
    const tail = (await lastLines(path, 3)).trimEnd().split('\n');
    expect(tail).toEqual(lines.slice(-3));
  });

  it('starts at the given byte offset', async () => {
    const path = join(dir, 'offset.log');
    await writeFile(path, 'old 1\nold 2\nnew 1\nnew 2\n');
    expect(await lastLines(path, 10, 'old 1\nold 2\n'.length)).toBe('new 1\nnew 2\n');
  });

  it('is empty for a missing file or no lines asked', async () => {
    expect(await lastLines(join(dir, 'absent.log'), 5)).toBe('');
    expect(await lastLines(join(dir, 'short.log'), 0)).toBe('');
  });
});
