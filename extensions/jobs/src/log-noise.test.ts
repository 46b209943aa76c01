import { describe, expect, it } from 'vitest';

import { withoutLogNoise } from './log-noise';

// The warning exactly as ipykernel 7 prints it (and the runner prefixes a time).
const WARNING =
  '[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication ' +
  '(including code and outputs) is sent in plain text and is susceptible to eavesdropping. Use IPC ' +
  'transport or launch with kernel manager-provisioned CurveZMQ keys to enable transport encryption.\n';

describe('run log noise', () => {
  it("drops the kernel's TCP-without-encryption warning and keeps every other line", () => {
    const log =
      '[12:53:11] Executing notebook with kernel: python3\n' +
      `[12:53:11] ${WARNING}` +
      WARNING +
      '[12:53:12] Executing Cell 1---------\n' +
      '[12:53:12] before';
    expect(withoutLogNoise(log)).toBe(
      '[12:53:11] Executing notebook with kernel: python3\n[12:53:12] Executing Cell 1---------\n[12:53:12] before',
    );
  });

  it('keeps a line that only mentions encryption', () => {
    const log = 'print("no encryption here")\nKernel is running over TCP\n';
    expect(withoutLogNoise(log)).toBe(log);
  });
});
