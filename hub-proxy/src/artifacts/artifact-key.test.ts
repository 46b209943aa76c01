import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors/index.js';
import { toHttpError } from '../http/error-mapping.js';
import { compareArtifactKeys, validateArtifactKey, validateArtifactPrefix } from './artifact-key.js';
import { formatBytes } from './artifact-limits.js';

describe('artifact keys', () => {
  it.each([
    ['../x/y', '".." segments'],
    ['users/./x', '".." segments'],
    ['/users/a/x', 'relative'],
    ['users//a/x', 'empty segments'],
    ['users/a/x/', 'empty segments'],
    ['users\\a\\x', 'not "\\"'],
    ['users/a/x\u0000y', 'control characters'],
    ['users/a', 'owner prefix'],
    [`users/a/${'x'.repeat(256)}`, 'segments longer than 255 bytes'],
    [`users/a/${'x/'.repeat(300)}x`, 'at most 512 bytes'],
  ])('rejects %j (%s)', (key, message) => {
    expect(() => validateArtifactKey(key)).toThrow(InvalidInput);
    try {
      validateArtifactKey(key);
    } catch (err) {
      expect((err as InvalidInput).errors[0]?.message).toContain(message);
      expect(toHttpError(err)).toMatchObject({ status: 400, type: 'https://turing.dev/problems/validation' });
    }
  });

  it('accepts prefixes that end with "/" and refuses the empty one', () => {
    expect(validateArtifactPrefix('users/')).toBe('users/');
    expect(() => validateArtifactPrefix('')).toThrow(InvalidInput);
    expect(() => validateArtifactPrefix('users')).toThrow(InvalidInput);
  });

  it('orders keys by UTF-8 bytes like S3, not by UTF-16 code units', () => {
    // U+FF5E is one UTF-16 unit above the surrogate pair of U+1F600, but below it in UTF-8.
    const keys = ['users/a/😀', 'users/a/～', 'users/a/b', 'users/a/a-b', 'users/a/a/b'];
    expect([...keys].sort(compareArtifactKeys)).toEqual([
      'users/a/a-b',
      'users/a/a/b',
      'users/a/b',
      'users/a/～',
      'users/a/😀',
    ]);
  });

  it('formats limits for people', () => {
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
    expect(formatBytes(999)).toBe('999 bytes');
  });
});
