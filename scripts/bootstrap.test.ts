import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

function run(
  script: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', [script, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const plan = (script: string, ...args: string[]) =>
  run(join(repoRoot, script), args, { env: { TURING_SETUP_DRY_RUN: '1' } });

describe('set-up profiles', () => {
  it('installs for the local demo neither the Go-built binaries nor Chromium', () => {
    const { stdout, status } = plan('scripts/bootstrap.sh', 'demo');
    expect(status).toBe(0);
    expect(stdout.trim()).toBe('profile=demo steps=npm venv serving-venv extensions admin');
  });

  it('adds the Go-built binaries for kubernetes, and Chromium too for tests (the default)', () => {
    expect(plan('scripts/bootstrap.sh', 'kubernetes').stdout.trim()).toBe(
      'profile=kubernetes steps=npm venv serving-venv extensions admin k8s-binaries',
    );
    const everything = 'profile=test steps=npm venv serving-venv extensions admin chromium k8s-binaries';
    expect(plan('scripts/bootstrap.sh', 'test').stdout.trim()).toBe(everything);
    expect(plan('scripts/bootstrap.sh').stdout.trim()).toBe(everything);
  });

  it('rejects an unknown profile naming it', () => {
    const { status, stderr } = plan('scripts/bootstrap.sh', 'demos');
    expect(status).toBe(2);
    expect(stderr).toContain("unknown profile 'demos'");
  });

  it('picks the demo profile from the demo arguments and passes them all on', () => {
    const local = plan('scripts/demo.sh', '--state-dir=/tmp/x');
    expect(local.stdout).toContain('profile=demo steps=');
    expect(local.stdout).toContain('then: tsx scripts/demo.ts --state-dir=/tmp/x');
    const kube = plan('scripts/demo.sh', '--state-dir=/tmp/x', '--kubernetes');
    expect(kube.stdout).toContain('profile=kubernetes steps=');
    expect(kube.stdout).toContain('then: tsx scripts/demo.ts --state-dir=/tmp/x --kubernetes');
  });

  it('gives each npm script the profile of what it starts, and CI runs npm test', () => {
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.demo).toBe('bash scripts/demo.sh');
    // bench includes the browser benchmarks (live-log-latency), so it needs Chromium too.
    for (const name of ['test', 'test:integration', 'bench']) {
      expect(scripts[name]).toMatch(/^bash scripts\/bootstrap\.sh test && /);
    }
    for (const name of ['test:chart', 'bench:gateway', 'bench:scale']) {
      expect(scripts[name]).toMatch(/^bash scripts\/bootstrap\.sh kubernetes && /);
    }
    expect(scripts['bench:scale']).toMatch(/tsx bench\/scale\.ts$/);
    expect(readFileSync(join(repoRoot, '.ci/run'), 'utf8').trim().split('\n').at(-1)).toBe('npm test');
  });
});

describe('k8s-binaries.sh --check', () => {
  const binaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kwok', 'helm'];
  const check = (cacheDir: string) =>
    run(join(repoRoot, 'scripts/k8s-binaries.sh'), ['--check'], { env: { TURING_CACHE_DIR: cacheDir } });

  it('fails without building when a binary is missing, and prints the directory once all are there', () => {
    const cacheDir = tempDir('turing-k8s-check-');
    const missing = check(cacheDir);
    expect(missing.status).toBe(1);
    const binDir = join(cacheDir, 'bin', 'k8s-v1.36.3-etcd-v3.6.16-kwok-v0.8.0-helm-v3.22.0');
    expect(readdirSync(binDir)).toEqual([]);
    expect(readdirSync(join(cacheDir, 'gobuild'))).toEqual([]);
    for (const name of binaries) {
      writeFileSync(join(binDir, name), '#!/bin/sh\n');
      chmodSync(join(binDir, name), 0o755);
    }
    writeFileSync(join(binDir, 'kwok-stages.yaml'), '---\n');
    const present = check(cacheDir);
    expect(present.status).toBe(0);
    expect(present.stdout.trim()).toBe(binDir);
  });
});

/**
 * A copy of bootstrap.sh in a scratch checkout whose python3, npm and npx are
 * stubs: each stub pip records when it starts and ends, and fails when told to.
 */
function stubCheckout(): { root: string; env: Record<string, string>; events: () => string[] } {
  const root = tempDir('turing-bootstrap-');
  const bin = join(root, 'stub-bin');
  for (const dir of [
    'scripts',
    'extensions/ui/src',
    'extensions/ui/style',
    'python/turing-jupyterlab',
    'admin-ui/src',
    'stub-bin',
  ]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  copyFileSync(join(repoRoot, 'scripts/bootstrap.sh'), join(root, 'scripts/bootstrap.sh'));
  const files: Record<string, string> = {
    'requirements.txt': 'jupyterhub==6.1.1\n',
    'requirements-serving.txt': 'mlserver==1.7.1\n',
    'requirements-serving-nodeps.txt': 'mlserver-xgboost==1.7.1\n',
    'package-lock.json': '{}\n',
    'extensions/ui/src/index.ts': 'export {};\n',
    'extensions/ui/style/base.css': '\n',
    'admin-ui/src/main.tsx': 'export {};\n',
    'scripts/build-wheel.sh': '',
    'scripts/install-extensions.sh':
      'for e in jobs models; do mkdir -p .venv/share/jupyter/labextensions/@turing/$e; ' +
      'touch .venv/share/jupyter/labextensions/@turing/$e/install.json; done\n',
    // pip: $0 is <venv>/bin/pip.
    'stub-bin/pip':
      '#!/bin/sh\nvenv=$(basename "$(dirname "$(dirname "$0")")")\n' +
      'echo "start $venv $(date +%s.%N)" >> "$STUB_EVENTS"\nsleep 1\n' +
      'if [ "$STUB_FAIL_VENV" = "$venv" ]; then echo "ERROR: No matching distribution found for jupyterhub==6.1.1"; exit 1; fi\n' +
      'echo "end $venv $(date +%s.%N)" >> "$STUB_EVENTS"\n',
    // python3 -m venv [--clear] DIR
    'stub-bin/python3':
      '#!/bin/sh\n[ "$3" = --clear ] && shift\nmkdir -p "$3/bin" && cp "$(dirname "$0")/pip" "$3/bin/pip"\n',
    'stub-bin/npm':
      '#!/bin/sh\necho "npm $*" >> "$STUB_EVENTS"\n' +
      'case "$*" in ci*) mkdir -p node_modules ;; *build:admin*) mkdir -p admin-ui/dist && touch admin-ui/dist/index.html ;; esac\n',
    'stub-bin/npx': '#!/bin/sh\necho "npx $*" >> "$STUB_EVENTS"\n',
  };
  for (const [path, text] of Object.entries(files)) {
    writeFileSync(join(root, path), text);
    if (path.startsWith('stub-bin/')) chmodSync(join(root, path), 0o755);
  }
  const eventsFile = join(root, 'events');
  return {
    root,
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, STUB_EVENTS: eventsFile },
    events: () => (existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8').trim().split('\n') : []),
  };
}

describe('bootstrap.sh steps', () => {
  it('installs the two venvs side by side, stamps every step, and a second run only checks stamps', () => {
    const { root, env, events } = stubCheckout();
    const first = run('scripts/bootstrap.sh', ['demo'], { cwd: root, env });
    expect(first.status, first.stderr).toBe(0);
    const at = (what: string) =>
      Number(
        events()
          .find((e) => e.startsWith(what))
          ?.split(' ')[2],
      );
    // Each pip takes a second: in sequence one would start after the other ended.
    expect(at('start .venv-serving')).toBeLessThan(at('end .venv '));
    expect(at('start .venv ')).toBeLessThan(at('end .venv-serving'));
    for (const stamp of [
      'node_modules/.turing-lock-hash',
      '.venv/.turing-req-hash',
      '.venv-serving/.turing-req-hash',
      '.venv/.turing-ext-hash',
      'admin-ui/dist/.turing-hash',
    ]) {
      expect(readFileSync(join(root, stamp), 'utf8'), stamp).toMatch(/^[0-9a-f]{16}\n$/);
    }
    expect(first.stderr).toMatch(/\[setup\] python venv ready \(\d+\.\ds\)/);
    expect(first.stderr).toMatch(/\[setup\] set-up \(demo\) took \d+\.\ds/);
    expect(readFileSync(join(root, '.turing/setup-logs/venv.log'), 'utf8')).toContain('python venv ready');

    const before = events().length;
    const second = run('scripts/bootstrap.sh', ['demo'], { cwd: root, env });
    expect(second.status, second.stderr).toBe(0);
    expect(events()).toHaveLength(before);
    expect(second.stderr).toContain('[setup] python venv ready (stamped)');
    expect(second.stderr).toContain('[setup] admin pages ready (stamped)');
  });

  it('fails set-up when a background step fails, printing the tail of its log', () => {
    const { root, env } = stubCheckout();
    const result = run('scripts/bootstrap.sh', ['demo'], {
      cwd: root,
      env: { ...env, STUB_FAIL_VENV: '.venv' },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      '[setup] venv failed (exit 1); last lines of .turing/setup-logs/venv.log:',
    );
    expect(result.stderr).toContain('ERROR: No matching distribution found for jupyterhub==6.1.1');
    expect(existsSync(join(root, '.venv/.turing-req-hash'))).toBe(false);
    expect(result.stderr).not.toContain('set-up (demo) took');
  });
});
