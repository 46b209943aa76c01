import { describe, expect, it } from 'vitest';

import { isPageSize, readPageSize } from './view-settings';

describe('the main-area view settings', () => {
  it('accepts only the offered page sizes and falls back to 25', () => {
    expect(readPageSize({ pageSize: 50 })).toBe(50);
    expect(readPageSize({ pageSize: 100 })).toBe(100);
    expect(readPageSize({ pageSize: 30 })).toBe(25);
    expect(readPageSize({ pageSize: '50' })).toBe(25);
    expect(readPageSize(undefined)).toBe(25);
    expect(isPageSize(25)).toBe(true);
    expect(isPageSize(0)).toBe(false);
  });
});
