import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailLog } from './log-tail.js';

describe('tailLog', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tail-'));
    path = join(dir, 'run.log');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('yields what is there, then what is appended, until finished and drained', async () => {
    await appendFile(path, 'one\n');
    let finished = false;
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of tailLog(path, {
        isFinished: () => finished,
        signal: new AbortController().signal,
        pollMs: 10,
      })) {
        chunks.push(chunk);
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(path, 'two\n');
    await new Promise((r) => setTimeout(r, 50));
    // Written just before the end: still read.
    await appendFile(path, 'three\n');
    finished = true;
    await reading;
    expect(chunks.join('')).toBe('one\ntwo\nthree\n');
  });

  it('keeps a multi-byte character whole when it is split across writes', async () => {
    const euro = Buffer.from('€', 'utf8');
    await appendFile(path, euro.subarray(0, 1));
    let finished = false;
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of tailLog(path, {
        isFinished: () => finished,
        signal: new AbortController().signal,
        pollMs: 10,
      })) {
        chunks.push(chunk);
      }
    })();
    await new Promise((r) => setTimeout(r, 40));
    await appendFile(path, euro.subarray(1));
    finished = true;
    await reading;
    expect(chunks).toEqual(['€']);
  });

  it('waits for a file that does not exist yet and stops when the signal aborts', async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of tailLog(path, {
        isFinished: () => false,
        signal: controller.signal,
        pollMs: 10,
      })) {
        chunks.push(chunk);
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    await appendFile(path, 'late\n');
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await reading;
    expect(chunks.join('')).toBe('late\n');
  });
});
