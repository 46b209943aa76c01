import { describe, expect, it } from 'vitest';
import { ownerPrefixOf, validateArtifactKey } from '../artifacts/index.js';
import { artifactKeys } from './naming.js';

describe('job artifact keys', () => {
  it('accepts every key the jobs feature makes and finds its owner prefix', () => {
    const key = artifactKeys.runArtifact(
      'Alice@Example.org',
      'daily-ctr-1a2b3c',
      'daily-ctr-1a2b3c-m0000abcd',
      'log.txt',
    );
    expect(validateArtifactKey(key)).toBe(key);
    expect(ownerPrefixOf(key)).toBe(artifactKeys.ownerPrefix('Alice@Example.org'));
  });
});
