import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastFailureReason } from './failure-reason.js';

describe('lastFailureReason', () => {
  let dir: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reason-'));
    log = join(dir, 'run.log');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("takes the text after the runner's last failure marker", async () => {
    await writeFile(
      log,
      [
        '[10:00:00] turing-runner: run failed: NameError: x',
        '[10:00:01] turing-runner: run failed: ZeroDivisionError: division by zero',
        '[10:00:01] turing-runner: uploaded log.txt (812 bytes)',
        '',
      ].join('\n'),
    );
    expect(await lastFailureReason(log, 0)).toBe('ZeroDivisionError: division by zero');
  });

  it('falls back to the last non-empty line, e.g. the exception line of a traceback', async () => {
    await writeFile(log, 'Traceback (most recent call last):\n  File "x"\nImportError: no papermill\n\n');
    expect(await lastFailureReason(log, 0)).toBe('ImportError: no papermill');
  });

  it('reads only the attempt that just ended (from the offset on)', async () => {
    await writeFile(log, 'turing-runner: run failed: first attempt\n--- attempt 2 of 2 ---\n');
    const offset = Buffer.byteLength('turing-runner: run failed: first attempt\n--- attempt 2 of 2 ---\n');
    expect(await lastFailureReason(log, offset)).toBeUndefined();
    await appendFile(log, 'Killed\n');
    expect(await lastFailureReason(log, offset)).toBe('Killed');
  });

  it('is undefined for a missing log', async () => {
    expect(await lastFailureReason(join(dir, 'none.log'), 0)).toBeUndefined();
  });
});
