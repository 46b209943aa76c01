import { describe, expect, it } from 'vitest';

import { formatBytes, storageAmount, storageBytes, wholeCount } from './quota-units';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('storage units', () => {
  it('shows whole GiB in GiB and the rest in MiB', () => {
    expect(storageAmount(50 * GiB)).toEqual({ value: '50', unit: 'GiB' });
    expect(storageAmount(0)).toEqual({ value: '0', unit: 'GiB' });
    expect(storageAmount(1536 * MiB)).toEqual({ value: '1536', unit: 'MiB' });
    expect(storageAmount(MiB + 512 * 1024)).toEqual({ value: '1.5', unit: 'MiB' });
  });

  it('turns a typed amount into bytes', () => {
    expect(storageBytes('2', 'GiB')).toBe(2 * GiB);
    expect(storageBytes('1.5', 'GiB')).toBe(1.5 * GiB);
    expect(storageBytes(' 300 ', 'MiB')).toBe(300 * MiB);
  });

  it('refuses amounts that are not numbers ≥ 0', () => {
    expect(storageBytes('-1', 'GiB')).toBeNull();
    expect(storageBytes('1e3', 'GiB')).toBeNull();
    expect(storageBytes('', 'MiB')).toBeNull();
  });

  it('keeps a byte count through a round trip', () => {
    for (const bytes of [0, 10 * GiB, 700 * MiB]) {
      const { value, unit } = storageAmount(bytes);
      expect(storageBytes(value, unit)).toBe(bytes);
    }
  });

  it('reads counts as whole numbers only', () => {
    expect(wholeCount('4')).toBe(4);
    expect(wholeCount('4.5')).toBeNull();
    expect(wholeCount('-1')).toBeNull();
  });

  it('formats bytes for reading', () => {
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
    expect(formatBytes(200 * MiB)).toBe('200 MiB');
    expect(formatBytes(512)).toBe('512 B');
  });
});
