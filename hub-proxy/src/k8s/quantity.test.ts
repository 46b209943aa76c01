import { describe, expect, it } from 'vitest';
import { parseQuantity, toKubeSpawnerBytes } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['8Gi', 8 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1k', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1E', 1e18],
    ['250u', 250e-6],
    [' 3 ', 3],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each(['', 'Gi', '8 Gi', '8GB', '8gi', 'two', '1.2.3'])('%j is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('toKubeSpawnerBytes', () => {
  it("uses KubeSpawner's binary suffixes, never Kubernetes' Gi", () => {
    expect(toKubeSpawnerBytes(8 * 2 ** 30)).toBe('8G');
    expect(toKubeSpawnerBytes(1536 * 2 ** 20)).toBe('1536M');
    expect(toKubeSpawnerBytes(2 ** 40)).toBe('1T');
    expect(toKubeSpawnerBytes(1e9)).toBe(1_000_000_000);
  });
});
