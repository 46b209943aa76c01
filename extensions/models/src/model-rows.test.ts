import { describe, expect, it } from 'vitest';

import { filterModels, servingVersionsText, summarizeStats } from './model-rows';
import { irisModel, mnistModel, runtimes } from './testing/model-fixture';
import { englishTranslate as trans } from './testing/translate';
import { versionRows } from './version-rows';

const point = (requestsPerSecond: number, p95Ms: number) => ({
  at: '2026-12-01T10:00:00Z',
  requestsPerSecond,
  p95Ms,
  errors: 0,
});

describe('the models table rows', () => {
  it('shows the latest rate and p95 the sparklines end on', () => {
    expect(summarizeStats({ points: [point(1, 5), point(3.5, 12)] })).toEqual({ rate: 3.5, p95Ms: 12 });
  });

  it('keeps the latest p95 across buckets without calls, as the sparkline does', () => {
    const idle = { ...point(0, 0), p95Ms: null as unknown as number };
    expect(summarizeStats({ points: [point(2, 8), idle] })).toEqual({ rate: 0, p95Ms: 8 });
  });

  it('has no figures before any traffic', () => {
    expect(summarizeStats({ points: [] })).toEqual({ rate: undefined, p95Ms: undefined });
    expect(summarizeStats(undefined)).toEqual({ rate: undefined, p95Ms: undefined });
  });

  it('lists serving versions in order, and nothing when none is loaded', () => {
    const iris = irisModel();
    iris.status.servingVersions = [2, 1];
    expect(servingVersionsText(iris)).toBe('v1, v2');
    expect(servingVersionsText(mnistModel())).toBe('');
  });
});

describe('filtering the models table', () => {
  const all = [irisModel(), mnistModel(), { ...irisModel(), name: 'ctr-xgb', owner: 'bob' }];
  const names = (query: string, owner?: string) =>
    filterModels(all, { query, ...(owner ? { owner } : {}) }, runtimes, trans).map((m) => m.name);

  it('keeps every model for an empty query', () => {
    expect(names('  ')).toEqual(['iris', 'mnist', 'ctr-xgb']);
  });

  it('finds by name, runtime and phase, case-insensitively', () => {
    expect(names('IRI')).toEqual(['iris']);
    expect(names('tf serving')).toEqual(['mnist']);
    expect(names('pending')).toEqual(['mnist']);
  });

  it('needs every word to match', () => {
    expect(names('mlserver ctr')).toEqual(['ctr-xgb']);
    expect(names('mlserver pending')).toEqual([]);
  });

  it('keeps only the named owner', () => {
    expect(names('', 'bob')).toEqual(['ctr-xgb']);
    expect(names('iris', 'bob')).toEqual([]);
  });
});

describe('the versions table', () => {
  it('gives the stable and canary their shares, newest first', () => {
    const rows = versionRows(irisModel());
    expect(rows.map((r) => [r.version.version, r.role, r.percent, r.loaded])).toEqual([
      [2, 'canary', 10, true],
      [1, 'stable', 90, true],
    ]);
  });

  it('gives a stored version no traffic and a lone stable all of it', () => {
    const model = {
      ...mnistModel(),
      versions: [...mnistModel().versions, { ...mnistModel().versions[0], version: 2 }],
    };
    const rows = versionRows(model as ReturnType<typeof mnistModel>);
    expect(rows.map((r) => [r.version.version, r.role, r.percent, r.loaded])).toEqual([
      [2, 'stored', 0, false],
      [1, 'stable', 100, false],
    ]);
  });

  it('treats a 0 % canary as no canary', () => {
    const model = irisModel();
    model.traffic = { stable: 1, canary: 2, canaryPercent: 0 };
    expect(versionRows(model).map((r) => [r.role, r.percent])).toEqual([
      ['stored', 0],
      ['stable', 100],
    ]);
  });
});
