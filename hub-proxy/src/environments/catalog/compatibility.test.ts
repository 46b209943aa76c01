import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CatalogError } from './catalog-error.js';
import {
  checkCompatibility,
  compareVersions,
  DEFAULT_COMPATIBILITY_PATH,
  loadCompatibilityTable,
  parseCompatibilityTable,
} from './compatibility.js';
import { loadCatalog } from './load-catalog.js';

const table = loadCompatibilityTable();

describe('the compatibility table', () => {
  it('cites a source with a title and an https URL for every release row', () => {
    for (const framework of Object.values(table.frameworks)) {
      for (const release of framework.releases) {
        const source = table.sources[release.source];
        expect(source?.title).toBeTruthy();
        expect(source?.url).toMatch(/^https:\/\//);
      }
    }
  });

  it('holds the published facts the shipped images rely on', () => {
    const row = (name: string, version: string) =>
      table.frameworks[name]?.releases.find((r) => r.version === version);
    expect(row('tensorflow', '2.14')?.gpu).toEqual([{ cuda: '11.8', cudnn: '8.7' }]);
    expect(row('tensorflow', '2.16')?.gpu).toEqual([{ cuda: '12.3', cudnn: '8.9' }]);
    expect(row('tensorflow', '2.16')?.python).toEqual({ min: '3.9', max: '3.12' });
    expect(row('torch', '2.7')?.gpu?.find((b) => b.wheel === 'cu126')).toEqual({
      cuda: '12.6',
      cudnn: '9.5',
      wheel: 'cu126',
    });
  });

  it('rejects a row citing an unknown source, or a reversed Python range', () => {
    const text = readFileSync(DEFAULT_COMPATIBILITY_PATH, 'utf8')
      .replace(
        "version: '2.16'\n        source: tensorflow-tested-builds",
        "version: '2.16'\n        source: blog-post",
      )
      .replace(
        "version: '2.15'\n        source: tensorflow-tested-builds\n        python: { min: '3.9', max: '3.11' }",
        "version: '2.15'\n        source: tensorflow-tested-builds\n        python: { min: '3.11', max: '3.9' }",
      );
    let error: unknown;
    try {
      parseCompatibilityTable(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).problems).toEqual([
      { field: 'frameworks.tensorflow.releases[5].source', message: 'unknown source "blog-post"' },
      { field: 'frameworks.tensorflow.releases[6].python', message: 'min is above max' },
    ]);
  });
});

describe('the shipped catalog against the table', () => {
  const catalog = loadCatalog();

  it.each(catalog.environments.map((env) => [env.id, env] as const))('%s is compatible', (_id, env) => {
    expect(checkCompatibility(env, table)).toEqual([]);
  });

  it('is really judged: every framework the table knows resolves to a release row with a matching build', () => {
    let judged = 0;
    for (const env of catalog.environments) {
      for (const [name, version] of Object.entries(env.versions.frameworks)) {
        const framework = table.frameworks[name];
        if (!framework) continue;
        const release = framework.releases.find((r) => version.startsWith(`${r.version}.`));
        expect(release, `${env.id}: ${name} ${version}`).toBeDefined();
        if (env.versions.cuda && release?.gpu) {
          expect(
            release.gpu.some((b) => b.cuda === env.versions.cuda && b.cudnn === env.versions.cudnn),
          ).toBe(true);
        }
        judged++;
      }
    }
    // tensorflow three times, torch twice, xgboost twice.
    expect(judged).toBe(7);
  });

  it('ships the environments the issue asks for', () => {
    const gpu = catalog.environments.filter((e) => e.gpu);
    const tfCudaLines = new Set(
      gpu.filter((e) => e.versions.frameworks.tensorflow).map((e) => e.versions.cuda?.split('.')[0]),
    );
    expect(tfCudaLines).toEqual(new Set(['11', '12']));
    expect(gpu.some((e) => e.versions.frameworks.torch && e.versions.cuda?.startsWith('12.'))).toBe(true);
    expect(catalog.environments.some((e) => !e.gpu && e.versions.frameworks.xgboost)).toBe(true);
    expect(catalog.environments.some((e) => !e.gpu && Object.keys(e.versions.frameworks).length === 0)).toBe(
      true,
    );
  });
});

describe('compareVersions', () => {
  it('compares numerically, component by component', () => {
    expect(compareVersions('9.10', '9.5')).toBe(1);
    expect(compareVersions('3.9', '3.12')).toBe(-1);
    expect(compareVersions('12.3', '12.3.0')).toBe(0);
  });
});
