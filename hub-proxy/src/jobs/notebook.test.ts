import { describe, expect, it } from 'vitest';
import {
  notebookDigest,
  notebookErrors,
  parametersCellSource,
  stableStringify,
  stripNotebook,
} from './notebook.js';

function notebook(withOutputs: boolean) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
    cells: [
      {
        cell_type: 'code',
        metadata: { tags: ['parameters'] },
        source: ['n = 3\n', "name = 'x'"],
        outputs: [],
        execution_count: null,
      },
      {
        cell_type: 'code',
        metadata: withOutputs ? { execution: { 'iopub.status.idle': '2026-11-28' } } : {},
        source: 'print(n)',
        outputs: withOutputs ? [{ output_type: 'stream', name: 'stdout', text: '3\n' }] : [],
        execution_count: withOutputs ? 7 : null,
      },
      { cell_type: 'markdown', metadata: {}, source: '# Title' },
    ],
  };
}

describe('notebook snapshots', () => {
  it('strips outputs, execution counts and timings, leaving the source', () => {
    const stripped = stripNotebook(notebook(true));
    expect(stripped).toEqual(notebook(false));
  });

  it('gives a notebook with outputs the same digest as the same notebook without', () => {
    expect(notebookDigest(stripNotebook(notebook(true)))).toBe(
      notebookDigest(stripNotebook(notebook(false))),
    );
  });

  it('changes the digest when a source line changes', () => {
    const edited = notebook(false);
    const cell = edited.cells[1];
    if (!cell) throw new Error('fixture has a second cell');
    cell.source = 'print(n + 1)';
    expect(notebookDigest(edited)).not.toBe(notebookDigest(notebook(false)));
  });

  it('serialises with sorted keys at every level (the documented digest input)', () => {
    expect(stableStringify({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    // The known vector the API documentation and the lab extension test against.
    expect(notebookDigest({ nbformat: 4, metadata: {}, cells: [] })).toBe(
      'd880f82ba24e3a20bb3d8ae965181b4df3f5f6e95703afa3108d8abf2cb97bb9',
    );
  });

  it('rejects a notebook without a kernelspec', () => {
    const nb = notebook(false) as { metadata: Record<string, unknown> };
    nb.metadata = {};
    expect(notebookErrors(nb, 'body.notebook.content')).toEqual([
      {
        field: 'body.notebook.content.metadata.kernelspec',
        message: expect.stringContaining('no kernelspec'),
      },
    ]);
  });

  it('rejects a document that is not nbformat 4', () => {
    expect(notebookErrors({ nbformat: 3, cells: [] }, 'f')[0]?.message).toMatch(/nbformat 4/);
  });

  it('finds the cell tagged parameters', () => {
    expect(parametersCellSource(notebook(false))).toBe("n = 3\nname = 'x'");
  });
});
