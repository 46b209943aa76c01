import { describe, expect, it } from 'vitest';

import {
  compareSortValues,
  pageCount,
  pageRange,
  pageRows,
  sortRows,
  toggleSort,
  validPage,
} from './table-model';

interface Job {
  name: string;
  runs: number;
}

const jobs: Job[] = [
  { name: 'job-10', runs: 2 },
  { name: 'job-2', runs: 1 },
  { name: 'Alpha', runs: 2 },
  { name: 'beta', runs: 1 },
];

describe('table sorting', () => {
  it('sorts strings by locale, case-insensitively, with numbers in names in numeric order', () => {
    expect(sortRows(jobs, (j) => j.name, 'ascending').map((j) => j.name)).toEqual([
      'Alpha',
      'beta',
      'job-2',
      'job-10',
    ]);
  });

  it('keeps equal values in input order in both directions (stable)', () => {
    expect(sortRows(jobs, (j) => j.runs, 'ascending').map((j) => j.name)).toEqual([
      'job-2',
      'beta',
      'job-10',
      'Alpha',
    ]);
    expect(sortRows(jobs, (j) => j.runs, 'descending').map((j) => j.name)).toEqual([
      'job-10',
      'Alpha',
      'job-2',
      'beta',
    ]);
  });

  it('does not change the input array', () => {
    const before = jobs.map((j) => j.name);
    sortRows(jobs, (j) => j.name, 'descending');
    expect(jobs.map((j) => j.name)).toEqual(before);
  });

  it('puts numbers before strings and NaN (no value) last', () => {
    expect([3, 'b', Number.NaN, 1].sort(compareSortValues)).toEqual([1, 3, Number.NaN, 'b']);
    expect(compareSortValues(Number.NaN, 5)).toBeGreaterThan(0);
  });

  it('sorts 5,000 rows quickly, computing each value once', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `job-${(i * 7919) % 5000}`, runs: i }));
    let calls = 0;
    const started = performance.now();
    const sorted = sortRows(rows, (r) => (calls++, r.name), 'ascending');
    expect(performance.now() - started).toBeLessThan(500);
    expect(calls).toBe(5000);
    expect(sorted[0]?.name).toBe('job-0');
    expect(sorted[4999]?.name).toBe('job-4999');
  });

  it('flips the sorted column and starts a new column ascending', () => {
    expect(toggleSort(null, 'name')).toEqual({ column: 'name', direction: 'ascending' });
    expect(toggleSort({ column: 'name', direction: 'ascending' }, 'name')).toEqual({
      column: 'name',
      direction: 'descending',
    });
    expect(toggleSort({ column: 'name', direction: 'descending' }, 'name')).toEqual({
      column: 'name',
      direction: 'ascending',
    });
    expect(toggleSort({ column: 'name', direction: 'descending' }, 'runs')).toEqual({
      column: 'runs',
      direction: 'ascending',
    });
  });
});

describe('table paging', () => {
  it('counts pages, with one page for no rows', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
    expect(pageCount(1000, 25)).toBe(40);
  });

  it('renders only the rows of one page', () => {
    const rows = Array.from({ length: 60 }, (_, i) => i);
    expect(pageRows(rows, 1, 25)).toEqual(rows.slice(0, 25));
    expect(pageRows(rows, 3, 25)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it('goes back to page 1 when the rows shrink below the current page', () => {
    expect(validPage(3, 60, 25)).toBe(3);
    expect(validPage(3, 40, 25)).toBe(1);
    expect(validPage(2, 0, 25)).toBe(1);
    expect(validPage(0, 60, 25)).toBe(1);
  });

  it('reports the shown range', () => {
    expect(pageRange(1, 60, 25)).toEqual({ first: 1, last: 25 });
    expect(pageRange(3, 60, 25)).toEqual({ first: 51, last: 60 });
    expect(pageRange(1, 0, 25)).toEqual({ first: 0, last: 0 });
  });
});
