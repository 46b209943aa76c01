import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, LABELS } from './labels.js';
import { canAccess, isOwner, ownerMetadata, ownerSelector } from './ownership.js';

describe('ownership', () => {
  it('stamps the safe slug as the owner label and the raw name as an annotation', () => {
    expect(ownerMetadata('Alice')).toEqual({
      labels: { [LABELS.owner]: 'alice---3bc51062' },
      annotations: { [ANNOTATIONS.ownerName]: 'Alice' },
    });
    expect(ownerSelector('alice')).toBe('turing.dev/owner=alice');
  });

  it('lets the owner and admins access an object, and nobody else', () => {
    const meta = ownerMetadata('alice');
    expect(canAccess({ name: 'alice', isAdmin: false }, meta)).toBe(true);
    expect(canAccess({ name: 'bob', isAdmin: false }, meta)).toBe(false);
    expect(canAccess({ name: 'bob', isAdmin: true }, meta)).toBe(true);
  });

  it('does not confuse users whose names differ only in case', () => {
    expect(isOwner({ name: 'Alice' }, ownerMetadata('alice'))).toBe(false);
    expect(isOwner({ name: 'alice' }, ownerMetadata('Alice'))).toBe(false);
  });

  it('denies when the raw-name annotation disagrees with the label', () => {
    const meta = { labels: { [LABELS.owner]: 'alice' }, annotations: { [ANNOTATIONS.ownerName]: 'mallory' } };
    expect(isOwner({ name: 'alice' }, meta)).toBe(false);
  });

  it("treats objects without an owner label as nobody's", () => {
    expect(canAccess({ name: 'alice', isAdmin: false }, {})).toBe(false);
  });
});
