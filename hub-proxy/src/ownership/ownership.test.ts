import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, LABELS } from './labels.js';
import { canAccess, isOwner, ownerLabelValue, ownerMetadata, ownerSelector } from './ownership.js';

/** Two hub user names with the same KubeSpawner slug (same safe name, same 8 hex of sha256). */
const SLUG_COLLISION = ['Alice_@_.._', 'Alice_.@+._!'] as const;

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

  it('requires the raw-name annotation when the label is a hashed slug, whose 32 bits can collide', () => {
    // Found by brute force: both slug to alice---2fce32fc, as KubeSpawner's scheme would have it.
    const [a, b] = SLUG_COLLISION;
    expect(ownerLabelValue(a)).toBe(ownerLabelValue(b));
    expect(isOwner({ name: b }, ownerMetadata(a))).toBe(false);
    expect(isOwner({ name: a }, ownerMetadata(a))).toBe(true);
    // Without the annotation the label alone cannot tell them apart, so it is nobody's.
    expect(isOwner({ name: a }, { labels: ownerMetadata(a).labels })).toBe(false);
    // A name that is its own slug cannot collide (hashed slugs contain "---", such names no "--").
    expect(isOwner({ name: 'alice' }, { labels: ownerMetadata('alice').labels })).toBe(true);
  });

  it("treats objects without an owner label as nobody's", () => {
    expect(canAccess({ name: 'alice', isAdmin: false }, {})).toBe(false);
  });
});
