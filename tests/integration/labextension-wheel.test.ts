import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// The turing-jupyterlab wheel as scripts/bootstrap.sh builds and installs it
// (scripts/build-wheel.sh, scripts/install-extensions.sh). Needs no cluster.

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const venv = join(repoRoot, '.venv');
const wheel = join(repoRoot, 'dist/turing_jupyterlab-0.1.0-py3-none-any.whl');
const installedRoot = join(venv, 'share/jupyter/labextensions/@turing');
const extensions = ['client', 'environments', 'jobs', 'models'] as const;

/** A broken bundle that pulls in JupyterLab itself instead of sharing it is megabytes. */
const maxGzippedJsBytes = 300 * 1024;

/** Names and RECORD of the wheel, read with the venv's Python zipfile. */
async function readWheel(): Promise<{ names: string[]; record: string }> {
  const script = [
    'import json, sys, zipfile',
    'w = zipfile.ZipFile(sys.argv[1])',
    'print(json.dumps({"names": w.namelist(), "record": w.read("turing_jupyterlab-0.1.0.dist-info/RECORD").decode()}))',
  ].join('\n');
  const { stdout } = await run(join(venv, 'bin/python'), ['-c', script, wheel]);
  return JSON.parse(stdout) as { names: string[]; record: string };
}

/** Every file below `dir`, as paths relative to `dir`. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** The remoteEntry bundle a labextension's package.json tells JupyterLab to load. */
async function remoteEntryOf(labextensionDir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(labextensionDir, 'package.json'), 'utf8')) as {
    jupyterlab: { _build: { load: string } };
  };
  return pkg.jupyterlab._build.load;
}

describe('turing-jupyterlab wheel', () => {
  it('carries the four prebuilt labextensions as shared data, once', async () => {
    const { names, record } = await readWheel();
    const dataRoot = 'turing_jupyterlab-0.1.0.data/data/share/jupyter/labextensions/@turing';
    for (const name of extensions) {
      for (const file of ['package.json', 'install.json']) {
        const path = `${dataRoot}/${name}/${file}`;
        expect(names).toContain(path);
        expect(record).toContain(`${path},sha256=`);
      }
      expect(
        names.some((n) => n.startsWith(`${dataRoot}/${name}/static/remoteEntry.`) && n.endsWith('.js')),
      ).toBe(true);
    }
    expect(names).toContain('turing_jupyterlab/__init__.py');
    // The staging copy must not ship a second time inside the Python package.
    expect(names.filter((n) => n.startsWith('turing_jupyterlab/labextensions/'))).toEqual([]);
  });

  it('installs extensions that jupyter labextension list shows enabled and OK from turing-jupyterlab', async () => {
    // `jupyter labextension list` writes its report to stderr, coloured.
    const { stdout, stderr } = await run(join(venv, 'bin/jupyter'), ['labextension', 'list'], {
      cwd: repoRoot,
    });
    const report = stripVTControlCharacters(stdout + stderr);
    for (const name of extensions) {
      expect(report).toMatch(
        new RegExp(`^\\s+@turing/${name} v0\\.1\\.0 enabled OK \\(python, turing-jupyterlab\\)$`, 'm'),
      );
    }
  });

  it('is the only owner of the installed @turing labextensions, per pip show -f', async () => {
    const { stdout } = await run(join(venv, 'bin/pip'), ['show', '-f', 'turing-jupyterlab']);
    const prefix = '../../../share/jupyter/labextensions/@turing/';
    const recorded = stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith(prefix))
      .map((line) => line.slice(prefix.length));
    for (const name of extensions) {
      expect(recorded).toContain(`${name}/package.json`);
      expect(recorded).toContain(`${name}/install.json`);
    }
    // No leftovers from the old copy-based install: every file there is pip's.
    expect((await listFiles(installedRoot)).sort()).toEqual([...recorded].sort());
    const install = JSON.parse(await readFile(join(installedRoot, 'jobs/install.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(install).toMatchObject({ packageManager: 'python', packageName: 'turing-jupyterlab' });
  });

  it('installs the current build of each extension', async () => {
    for (const name of extensions) {
      const built = join(repoRoot, `extensions/${name}/turing_${name}/labextension`);
      expect(await remoteEntryOf(join(installedRoot, name))).toBe(await remoteEntryOf(built));
    }
  });

  it('installs an importable turing_jupyterlab naming the four extensions', async () => {
    const { stdout } = await run(
      join(venv, 'bin/python'),
      [
        '-c',
        'import json, turing_jupyterlab as t; print(json.dumps([t.__file__, t._jupyter_labextension_paths()]))',
      ],
      { cwd: repoRoot },
    );
    const [file, paths] = JSON.parse(stdout) as [string, { src: string; dest: string }[]];
    expect(file).toContain('/site-packages/turing_jupyterlab/');
    expect(paths.map((p) => p.dest)).toEqual(extensions.map((name) => `@turing/${name}`));
  });

  it('keeps each extension small: its JavaScript gzipped stays under 300 kB', async () => {
    for (const name of extensions) {
      const staticDir = join(installedRoot, name, 'static');
      const scripts = (await readdir(staticDir)).filter((f) => f.endsWith('.js'));
      let raw = 0;
      let gzipped = 0;
      for (const file of scripts) {
        const bytes = await readFile(join(staticDir, file));
        raw += bytes.length;
        gzipped += gzipSync(bytes, { level: 9 }).length;
      }
      console.log(
        `[labextension-size] @turing/${name}: ${scripts.length} JS files, ` +
          `${(raw / 1024).toFixed(1)} kB raw, ${(gzipped / 1024).toFixed(1)} kB gzipped`,
      );
      expect(scripts.some((f) => f.startsWith('remoteEntry.'))).toBe(true);
      expect(gzipped).toBeGreaterThan(0);
      expect(gzipped).toBeLessThan(maxGzippedJsBytes);
    }
  });
});
