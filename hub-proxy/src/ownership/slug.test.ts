import { describe, expect, it } from 'vitest';
import { safeSlug } from './slug.js';

// Expected values were produced by running KubeSpawner 7's own code in the project venv:
//   .venv/bin/python -c 'from kubespawner.slugs import safe_slug; print(safe_slug(NAME, max_length=48))'
// (max_length=48 is what KubeSpawner._expand_user_properties passes for {username}).
const KUBESPAWNER_FIXTURES: Record<string, string> = {
  alice: 'alice',
  Alice: 'alice---3bc51062',
  'alice.smith@example.com': 'alice-smith-example-com---7dcd3a39',
  'user--name': 'user-name---49c4bf12',
  '1user': 'x-1user---b5732d84',
  a: 'a',
  '-leading': 'leading---58a376df',
  'trailing-': 'trailing---b520d72a',
  ['x'.repeat(48)]: 'x'.repeat(48),
  ['x'.repeat(49)]: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx---55bb9823',
  'this-is-a-very-long-user-name-that-exceeds-the-forty-eight-limit':
    'this-is-a-very-long-user-name-that-ex---27358043',
  émile: 'mile---a56b363c',
  名前: 'x---7ec26292',
  '': 'x---e3b0c442',
  a_b: 'a-b---648fa9b3',
  'jupyter-hub_user.01': 'jupyter-hub-user-01---4346225d',
  '---': 'x---cb3f91d5',
  'UPPER-lower-123': 'upper-lower-123---efd49e4e',
  'ab-': 'ab---2fd1864b',
  'a-b-c': 'a-b-c',
};

describe('safeSlug (KubeSpawner 7 "safe" scheme)', () => {
  it.each(Object.entries(KUBESPAWNER_FIXTURES))(
    'maps %j exactly as kubespawner.slugs.safe_slug does',
    (name, slug) => {
      expect(safeSlug(name)).toBe(slug);
    },
  );

  it('never returns more than 48 characters, and only lowercase alphanumerics and hyphens', () => {
    for (const name of [...Object.keys(KUBESPAWNER_FIXTURES), 'Z'.repeat(300), '🙂'.repeat(40)]) {
      const slug = safeSlug(name);
      expect(slug.length).toBeLessThanOrEqual(48);
      expect(slug).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/);
    }
  });

  it('gives different slugs to names that only differ in case or punctuation', () => {
    expect(new Set([safeSlug('alice'), safeSlug('Alice'), safeSlug('al.ice'), safeSlug('al_ice')]).size).toBe(
      4,
    );
  });
});
