import { describe, expect, it } from 'vitest';

import { validateServerName } from './server-name';
import { DEFAULT_SETTINGS, readSettings } from './settings';
import { labUrlOf, progressPercent } from './spawn';

describe('validateServerName', () => {
  it('accepts DNS-label-like names', () => {
    expect(validateServerName('gpu-1')).toBeNull();
    expect(validateServerName('a')).toBeNull();
  });

  it('refuses empty, long, badly formed and current names', () => {
    expect(validateServerName('')).toBe('empty');
    expect(validateServerName('x'.repeat(41))).toBe('too-long');
    expect(validateServerName('GPU')).toBe('invalid');
    expect(validateServerName('-a')).toBe('invalid');
    expect(validateServerName('a--b')).toBe('invalid');
    expect(validateServerName('a/b')).toBe('invalid');
    expect(validateServerName('exp', 'exp')).toBe('current');
  });
});

describe('readSettings', () => {
  it('uses the defaults for missing or invalid values', () => {
    expect(readSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ showCpuEnvironments: 'no', defaultGpuCount: -1 })).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ showCpuEnvironments: false, defaultGpuCount: 2 })).toEqual({
      showCpuEnvironments: false,
      defaultGpuCount: 2,
    });
  });
});

describe('spawn helpers', () => {
  it('clamps progress to 0..100', () => {
    expect(progressPercent({ progress: 42.4 })).toBe(42);
    expect(progressPercent({ progress: 250 })).toBe(100);
    expect(progressPercent({})).toBe(0);
    expect(progressPercent({ ready: true })).toBe(100);
  });

  it('opens lab at the ready URL, else at the server URL', () => {
    expect(labUrlOf({ ready: true, url: '/user/alice/gpu/' }, '/user/alice/x/')).toBe('/user/alice/gpu/lab');
    expect(labUrlOf({ ready: true }, '/user/alice/x')).toBe('/user/alice/x/lab');
  });
});
