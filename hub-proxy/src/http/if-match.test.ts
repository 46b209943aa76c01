import { describe, expect, it } from 'vitest';
import { InvalidInput, PreconditionRequired } from '../errors/index.js';
import { etagOf, expectedVersion } from './if-match.js';

describe('expectedVersion (If-Match)', () => {
  it('takes one quoted entity tag, as the ETag was sent, or a bare one', () => {
    expect(expectedVersion('"12345"')).toBe('12345');
    expect(expectedVersion(' "abc123" ')).toBe('abc123');
    expect(expectedVersion('12345')).toBe('12345');
    expect(expectedVersion(etagOf('9f86d081884c7d65'))).toBe('9f86d081884c7d65');
  });

  it('asks for the header when it is missing or empty (428)', () => {
    expect(() => expectedVersion(undefined)).toThrow(PreconditionRequired);
    expect(() => expectedVersion('   ')).toThrow(PreconditionRequired);
  });

  it('refuses "*", weak tags, lists and stray quotes with a field error (400)', () => {
    for (const header of ['*', 'W/"12"', '"1", "2"', '"12', '12"', '"a b"', '""']) {
      let thrown: unknown;
      try {
        expectedVersion(header);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, header).toBeInstanceOf(InvalidInput);
      expect((thrown as InvalidInput).errors[0]?.field, header).toBe('header.If-Match');
    }
  });
});
