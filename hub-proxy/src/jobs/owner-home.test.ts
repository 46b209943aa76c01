import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandUserTemplate, homeVolumeSchema, localUserHomeField, ownerJupyterPath } from './owner-home.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = join(REPO_ROOT, '.venv/bin/python');

/**
 * KubeSpawner 7's own `_expand_user_properties` (kubespawner/spawner.py), on
 * a stand-in spawner for each user's default server with the "safe" slug
 * scheme: the names it prints are the names KubeSpawner gives claims.
 */
const KUBESPAWNER_EXPAND = String.raw`
import json, sys
from types import SimpleNamespace
from kubespawner.spawner import KubeSpawner

request = json.load(sys.stdin)
out = {}
for name in request["users"]:
    spawner = SimpleNamespace(
        name="",
        user=SimpleNamespace(name=name, id=1),
        slug_scheme="safe",
        _namespace_default=lambda: "jhub",
    )
    out[name] = {t: KubeSpawner._expand_user_properties(spawner, t) for t in request["templates"]}
print(json.dumps(out))
`;

const TRICKY_USERS = [
  'alice',
  'Ünïcode',
  'a.b@c',
  // 60 characters: longer than the 48 of a slug, so both hashed forms apply.
  'x'.repeat(60),
  // Valid as it is, but 47 + 2 > 48: {user_server} switches to the two-part slug.
  'y'.repeat(47),
  'y'.repeat(46),
  'user--name',
  '1st-user',
  'UPPER',
  'émile.dupont+ml@example.org',
  '名前',
  '-',
];
const TEMPLATES = [
  'claim-{username}',
  'claim-{user_server}',
  'claim-{username}{servername}',
  '/home/{username}',
];

function kubeSpawnerNames(): Record<string, Record<string, string>> {
  const out = execFileSync(PYTHON, ['-c', KUBESPAWNER_EXPAND], {
    input: JSON.stringify({ users: TRICKY_USERS, templates: TEMPLATES }),
    env: { PATH: process.env.PATH ?? '' },
  });
  return JSON.parse(out.toString()) as Record<string, Record<string, string>>;
}

describe('expandUserTemplate', () => {
  it('names every claim exactly as the installed KubeSpawner 7 does, tricky user names included', () => {
    const expected = kubeSpawnerNames();
    for (const user of TRICKY_USERS) {
      for (const template of TEMPLATES) {
        expect(expandUserTemplate(template, user), `${template} for ${JSON.stringify(user)}`).toBe(
          expected[user]?.[template],
        );
      }
    }
    // The cases that differ between the templates really were exercised.
    expect(expected['y'.repeat(47)]?.['claim-{user_server}']).not.toBe(
      expected['y'.repeat(47)]?.['claim-{username}'],
    );
  });

  it('keeps a literal trailing hyphen of the template and reads {{ }} as braces', () => {
    expect(expandUserTemplate('home-{servername}', 'alice')).toBe('home');
    expect(expandUserTemplate('home-', 'alice')).toBe('home-');
    expect(expandUserTemplate('{{x}}-{username}', 'alice')).toBe('{x}-alice');
  });

  it('refuses a field KubeSpawner would fill that this expansion does not know, naming it', () => {
    expect(() => expandUserTemplate('claim-{userid}', 'alice')).toThrow(/unknown field \{userid\}/);
  });
});

describe('ownerJupyterPath', () => {
  it('is where `ipykernel install --user` writes under the home', () => {
    expect(ownerJupyterPath('/home/jovyan')).toBe('/home/jovyan/.local/share/jupyter');
  });
});

describe('homeVolumeSchema', () => {
  it('defaults to the z2jh values: claim-{username}, read-only at /home/jovyan', () => {
    expect(homeVolumeSchema.parse({})).toEqual({
      claimNameTemplate: 'claim-{username}',
      mountPath: '/home/jovyan',
      readOnly: true,
    });
  });

  it('rejects a template that cannot name a claim, and a mount over the pod’s own paths, naming the key', () => {
    const badTemplate = homeVolumeSchema.safeParse({ claimNameTemplate: 'Claim_{username}' });
    expect(badTemplate.error?.issues[0]).toMatchObject({ path: ['claimNameTemplate'] });
    expect(badTemplate.error?.issues[0]?.message).toContain('not a valid PersistentVolumeClaim name');
    const unknown = homeVolumeSchema.safeParse({ claimNameTemplate: 'claim-{userid}' });
    expect(unknown.error?.issues[0]?.message).toContain('unknown field {userid}');
    for (const mountPath of ['/tmp', '/tmp/home', '/opt', 'home/jovyan', '/home/../etc', '/']) {
      const result = homeVolumeSchema.safeParse({ mountPath });
      expect(result.success, mountPath).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['mountPath']);
    }
  });
});

describe('localUserHomeField', () => {
  it('takes an absolute path template and refuses a relative one', () => {
    expect(localUserHomeField.parse('/srv/homes/{username}')).toBe('/srv/homes/{username}');
    expect(localUserHomeField.parse(undefined)).toBeUndefined();
    expect(localUserHomeField.safeParse('homes/{username}').error?.issues[0]?.message).toBe(
      'must render an absolute path',
    );
  });
});
