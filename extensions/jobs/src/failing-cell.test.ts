import { describe, expect, it } from 'vitest';

import { failingCellIndex } from './failing-cell';

const ok = { cell_type: 'code', metadata: {}, outputs: [{ output_type: 'stream', text: 'before\n' }] };
const error = { output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: [] };

describe('failing cell', () => {
  it("finds the cell papermill marked, past papermill's own error banner cells", () => {
    const notebook = {
      cells: [
        { cell_type: 'markdown', metadata: { tags: ['papermill-error-cell-tag'] }, source: 'An Exception…' },
        { ...ok, metadata: { papermill: { exception: false } } },
        { cell_type: 'markdown', metadata: { tags: ['papermill-error-cell-tag'] }, source: 'stopped here' },
        { cell_type: 'code', metadata: { papermill: { exception: true } }, outputs: [error] },
      ],
    };
    expect(failingCellIndex(notebook)).toBe(3);
  });

  it('falls back to the first code cell with an error output', () => {
    expect(failingCellIndex({ cells: [ok, { ...ok, outputs: [error] }, { ...ok, outputs: [error] }] })).toBe(
      1,
    );
  });

  it('answers undefined when no cell raised or there are no cells', () => {
    expect(failingCellIndex({ cells: [ok] })).toBeUndefined();
    expect(failingCellIndex({})).toBeUndefined();
    expect(failingCellIndex(null)).toBeUndefined();
  });
});
