import { describe, expect, it } from 'vitest';

import { isSelectKey, nextActiveIndex, optionId } from './listbox-keys';

describe('nextActiveIndex', () => {
  it('moves down and up by one and stops at the ends', () => {
    expect(nextActiveIndex('ArrowDown', 0, 5)).toBe(1);
    expect(nextActiveIndex('ArrowDown', 4, 5)).toBe(4);
    expect(nextActiveIndex('ArrowUp', 3, 5)).toBe(2);
    expect(nextActiveIndex('ArrowUp', 0, 5)).toBe(0);
  });

  it('starts at the first option on ArrowDown and the last on ArrowUp when none is active', () => {
    expect(nextActiveIndex('ArrowDown', -1, 5)).toBe(0);
    expect(nextActiveIndex('ArrowUp', -1, 5)).toBe(4);
  });

  it('jumps to the first and last option on Home and End', () => {
    expect(nextActiveIndex('Home', 3, 5)).toBe(0);
    expect(nextActiveIndex('End', 1, 5)).toBe(4);
  });

  it('ignores other keys and empty lists', () => {
    expect(nextActiveIndex('Enter', 1, 5)).toBeNull();
    expect(nextActiveIndex('a', 1, 5)).toBeNull();
    expect(nextActiveIndex('ArrowDown', -1, 0)).toBeNull();
  });
});

describe('isSelectKey', () => {
  it('selects on Enter and Space only', () => {
    expect(isSelectKey('Enter')).toBe(true);
    expect(isSelectKey(' ')).toBe(true);
    expect(isSelectKey('ArrowDown')).toBe(false);
  });
});

describe('optionId', () => {
  it('gives distinct valid ids for catalog ids with dots and other characters', () => {
    const a = optionId('turing-env', 'tf-2.14-cuda11.8');
    const b = optionId('turing-env', 'tf-2_2e14-cuda11.8');
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(optionId('turing-env', 'tf-2-14-cuda11-8'));
    expect(a.startsWith('turing-env-option-')).toBe(true);
    expect(b).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
  });
});
