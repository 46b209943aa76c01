import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  copyPaths,
  earlierStage,
  execForm,
  isIgnored,
  parseDockerfile,
  parseDockerignore,
  stageVariables,
  substitute,
  type Stage,
} from '../support/dockerfile.js';
import { DOCKERFILE_RULES, ruleFindings, type RuleName } from '../support/dockerfile-rules.js';

// Static checks of every Dockerfile under images/ (no Docker engine here):
// hadolint, the rules of tests/support/dockerfile-rules.ts, and the build
// context. image-replay.test.ts replays the hub-proxy and runner images.

const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const HADOLINT = join(repoRoot, '.venv/bin/hadolint');

/** Every Dockerfile under images/, found when the test runs (other images are added beside these). */
const DOCKERFILES = (readdirSync(join(repoRoot, 'images'), { recursive: true }) as string[])
  .filter((p) => /(^|\/)(Dockerfile(\.[\w-]+)?|[\w-]+\.Dockerfile)$/.test(p))
  .map((p) => `images/${p}`)
  .sort();

// ---- the parser and each rule against inline Dockerfiles --------------------

describe('the Dockerfile parser', () => {
  it('joins continuation lines, drops comment lines inside them and keeps the first line number', () => {
    const df = parseDockerfile(
      '# syntax=docker/dockerfile:1\nFROM a:1.2.3\n\nRUN echo one \\\n  # note\n  && echo two\n',
    );
    expect(df.instructions.map((i) => [i.keyword, i.line, i.args])).toEqual([
      ['FROM', 2, 'a:1.2.3'],
      ['RUN', 4, 'echo one    && echo two'],
    ]);
  });

  it('reads heredocs as part of their instruction', () => {
    const df = parseDockerfile('FROM a:1.2.3\nRUN <<EOF\nFROM inside\nEOF\nUSER 1000\n');
    expect(df.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'USER']);
    expect(df.instructions[1]?.heredocs).toEqual(['FROM inside']);
  });

  it('reads JSON arrays as exec form and anything else, even starting with [, as shell form', () => {
    const df = parseDockerfile('FROM a:1.2.3\nRUN [ -d /x ] || mkdir /x\nENTRYPOINT ["node", "main.js"]\n');
    expect(df.instructions.map((i) => execForm(i))).toEqual([undefined, undefined, ['node', 'main.js']]);
  });

  it('splits stages, resolves global ARG defaults in FROM and sees earlier stages by name', () => {
    const df = parseDockerfile(
      'ARG BASE=node:20.20.2-bookworm-slim\nFROM ${BASE} AS Build\nRUN --mount=type=cache,target=/c npm ci\nFROM build\n',
    );
    expect(df.stages.map((s) => [s.name, s.resolvedImage.text])).toEqual([
      ['build', 'node:20.20.2-bookworm-slim'],
      [undefined, 'build'],
    ]);
    expect(df.stages[0]?.instructions[0]?.flags).toEqual({ mount: ['type=cache,target=/c'] });
    expect(earlierStage(df, 'build', 1)?.index).toBe(0);
  });

  it('substitutes stage ARG and ENV values, taking a bare ARG from the global default', () => {
    const df = parseDockerfile(
      'ARG UID=1000\nFROM a:1.2.3\nARG UID\nENV HOME_DIR="/home/u ${UID}"\nUSER ${UID}\n',
    );
    const stage = df.stages[0] as Stage;
    const vars = stageVariables(df, stage);
    expect(vars.get('HOME_DIR')).toBe('/home/u 1000');
    expect(substitute('${UID}:${GID:-100}', vars)).toEqual({ text: '1000:100', missing: [] });
    expect(substitute('$NOPE', vars).missing).toEqual(['NOPE']);
  });

  it('matches .dockerignore patterns against a path and its parents, the last match winning', () => {
    const patterns = parseDockerignore('**/node_modules\n*.md\n!README.md\n/dist\n');
    expect(isIgnored(patterns, 'a/b/node_modules/x/index.js')).toBe(true);
    expect(isIgnored(patterns, 'NOTES.md')).toBe(true);
    expect(isIgnored(patterns, 'README.md')).toBe(false);
    expect(isIgnored(patterns, 'dist/x.whl')).toBe(true);
    expect(isIgnored(patterns, 'docs/x.md')).toBe(false);
  });
});

/** For each rule: a Dockerfile it must flag, and one it must pass. */
const RULE_CASES: Record<RuleName, { bad: string; expected: string; good: string }> = {
  'pins every base image by digest or exact version': {
    bad: 'ARG BASE\nFROM python:3.11-slim AS a\nFROM ${BASE}\nCOPY --from=ghcr.io/x/uv:0.9 /uv /uv\nUSER 1000\n',
    expected: 'tag 3.11-slim is not an exact version',
    good:
      'ARG BASE=node:20.20.2-bookworm-slim\nFROM ${BASE} AS build\nFROM nvidia/cuda@sha256:' +
      'a'.repeat(64) +
      '\nCOPY --from=build /a /a\nCOPY --from=ghcr.io/x/uv:0.9.2 /uv /uv\nUSER 1000\n',
  },
  'mentions latest nowhere': {
    bad: 'FROM a:1.2.3\nRUN npm install -g pnpm@latest\nUSER 1000\n',
    expected: 'line 2: RUN mentions latest',
    good: 'FROM a:1.2.3\n# latest is fine in a comment\nRUN npm install -g pnpm@10.1.0\nUSER 1000\n',
  },
  'runs the final stage as a numeric non-root uid': {
    bad: 'FROM a:1.2.3 AS build\nUSER 1000\nFROM a:1.2.3\nUSER jovyan\n',
    expected: 'USER jovyan is not a numeric uid',
    good: 'FROM a:1.2.3 AS base\nARG NB_UID=1000\nUSER ${NB_UID}:100\nFROM base\nRUN true\n',
  },
  'keeps secrets out of ARG and ENV': {
    bad: 'FROM a:1.2.3\nARG GITHUB_TOKEN\nENV AWS_SECRET_ACCESS_KEY=abc\nUSER 1000\n',
    expected: 'line 2: ARG GITHUB_TOKEN',
    good: 'FROM a:1.2.3\nENV KEYRING_DIR=/k TOKENIZERS_PARALLELISM=false JUPYTER_TOKEN=""\nUSER 1000\n',
  },
  'copies no secret files into a layer': {
    bad: 'FROM a:1.2.3\nCOPY .npmrc package.json ./\nCOPY certs/tls.pem /etc/\nUSER 1000\n',
    expected: 'COPY of .npmrc',
    good: 'FROM a:1.2.3\nCOPY package.json package-lock.json ./\nUSER 1000\n',
  },
  'never ADDs a URL': {
    bad: 'FROM a:1.2.3\nADD https://example.org/tool.tgz /opt/\nUSER 1000\n',
    expected: 'ADD https://example.org/tool.tgz',
    good: 'FROM a:1.2.3\nADD vendor.tar.gz /opt/\nUSER 1000\n',
  },
  'never pipes a download into a shell': {
    bad: 'FROM a:1.2.3\nRUN curl -fsSL https://get.example.sh | bash -s -- --yes\nUSER 1000\n',
    expected: 'pipes a download into a shell',
    good: 'FROM a:1.2.3\nRUN curl -fsSLo t.tgz https://e.org/t-1.0.0.tgz && echo "abc  t.tgz" | sha256sum -c - && tar xf t.tgz\nUSER 1000\n',
  },
  'checks the checksum of every download': {
    bad: 'FROM a:1.2.3\nRUN wget -q https://e.org/t-1.0.0.tgz && tar xf t-1.0.0.tgz\nUSER 1000\n',
    expected: 'without checking its sha256sum',
    good: 'FROM a:1.2.3\nRUN wget -q https://e.org/t-1.0.0.tgz && echo "ab  t-1.0.0.tgz" | sha256sum --check && tar xf t-1.0.0.tgz\nUSER 1000\n',
  },
};

describe('each static rule against inline Dockerfiles', () => {
  it.each(Object.keys(RULE_CASES) as RuleName[])(
    'rule "%s" flags its bad example and passes its good one',
    (rule) => {
      const { bad, expected, good } = RULE_CASES[rule];
      expect(ruleFindings(rule, bad).join('\n')).toContain(expected);
      expect(ruleFindings(rule, good)).toEqual([]);
    },
  );

  it('flags a FROM whose build argument has no default, naming the argument', () => {
    expect(
      ruleFindings('pins every base image by digest or exact version', 'ARG BASE\nFROM ${BASE}\nUSER 1\n'),
    ).toEqual(['line 2: (empty): $BASE has no default']);
  });

  it('flags a final stage without USER and one that switches back to root', () => {
    expect(
      ruleFindings('runs the final stage as a numeric non-root uid', 'FROM a:1.2.3\nRUN true\n')[0],
    ).toContain('sets no USER');
    expect(
      ruleFindings('runs the final stage as a numeric non-root uid', 'FROM a:1.2.3\nUSER 1000\nUSER 0:0\n'),
    ).toEqual(['line 3: USER 0:0 is root']);
  });
});

// ---- every Dockerfile under images/ ---------------------------------------------

describe('the image Dockerfiles', () => {
  it('include the hub-proxy and runner images', () => {
    expect(DOCKERFILES).toEqual(
      expect.arrayContaining(['images/hub-proxy/Dockerfile', 'images/runner/Dockerfile']),
    );
  });
});

describe.each(DOCKERFILES)('%s', (file) => {
  const text = readFileSync(join(repoRoot, file), 'utf8');

  it('passes hadolint with the repository .hadolint.yaml', async () => {
    const result = await execFileAsync(HADOLINT, ['--no-color', '--config', '.hadolint.yaml', file], {
      cwd: repoRoot,
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({
        code: err.code ?? -1,
        out: `${err.stdout ?? ''}${err.stderr ?? ''}`,
      }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });

  it.each(Object.keys(DOCKERFILE_RULES) as RuleName[])('%s', (rule) => {
    expect(
      DOCKERFILE_RULES[rule](parseDockerfile(text)).map((p) => `${file}:${p.line}: ${p.message}`),
    ).toEqual([]);
  });

  it('copies only files the build context contains (.dockerignore keeps them)', () => {
    const ignore = parseDockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
    const df = parseDockerfile(text);
    const missing: string[] = [];
    for (const instruction of df.instructions) {
      if ((instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') || instruction.flags.from)
        continue;
      for (const source of copyPaths(instruction).sources) {
        if (source.startsWith('<<')) continue;
        // A glob is checked through a path it would match.
        const path = source.replace(/\*+/g, 'x').replace(/\/+$/, '');
        if (isIgnored(ignore, path)) missing.push(`line ${instruction.line}: ${source} is in .dockerignore`);
        else if (!/[*?[]/.test(source) && !existsSync(join(repoRoot, path))) {
          missing.push(`line ${instruction.line}: ${source} does not exist`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the build context (.dockerignore)', () => {
  const ignore = parseDockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));

  it.each([
    '.env',
    'hub-proxy/.env.local',
    'deploy/id_rsa',
    'certs/tls.key',
    'certs/ca.pem',
    '.npmrc',
    'admin-ui/.npmrc',
    '.pypirc',
    '.netrc',
    '.git/config',
    '.venv/bin/python',
    'node_modules/express/index.js',
    'hub-proxy/node_modules/x/index.js',
    'hub-proxy/dist/main.js',
    'admin-ui/dist/index.html',
    'hub-proxy/tsconfig.tsbuildinfo',
    '.turing/catalog.yaml',
    'test-results/run.log',
  ])('leaves %s out of every build', (path) => {
    expect(isIgnored(ignore, path)).toBe(true);
  });
});
