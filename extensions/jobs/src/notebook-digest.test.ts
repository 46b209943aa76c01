import { describe, expect, it } from 'vitest';

import {
  LEGACY_LIST_SOURCE_DIGEST,
  NORMALISED_DIGEST,
  editedNotebook,
  labSavedNotebook,
  listSourceNotebook,
} from './testing/digest-fixtures';
import {
  digestForm,
  inputDigestCandidates,
  legacyNotebookDigest,
  notebookDigest,
  withSourceLines,
} from './notebook-digest';
import { withoutTransientFields } from './notebook-source';
import type { NotebookContent } from '@turing/client';

const clean = (nb: unknown) => withoutTransientFields(nb as NotebookContent);

// The same fixtures and vector as hub-proxy's notebook.test.ts.
describe('input digest normalisation', () => {
  it('gives list sources without ids the digest of string sources with ids and UI state', async () => {
    await expect(notebookDigest(listSourceNotebook())).resolves.toBe(NORMALISED_DIGEST);
    await expect(notebookDigest(labSavedNotebook())).resolves.toBe(NORMALISED_DIGEST);
  });

  it('changes the digest on a real edit', async () => {
    await expect(notebookDigest(editedNotebook())).resolves.not.toBe(NORMALISED_DIGEST);
  });

  it('drops ids and UI state but keeps tags', () => {
    const form = digestForm(labSavedNotebook());
    expect(form.cells[0]).not.toHaveProperty('id');
    expect(form.cells[0]?.metadata).toEqual({ tags: ['parameters'] });
    expect(form.cells[2]?.metadata).toEqual({});
    expect(form).not.toHaveProperty('nbformat_minor');
    expect(form.metadata).toEqual({ kernelspec: labSavedNotebook().metadata.kernelspec });
  });

  it('splits sources into lines as nbformat writes them', () => {
    const split = withSourceLines({ cells: [{ source: 'a\nb\n\nc' }, { source: '' }] });
    expect(split.cells.map((c) => c.source)).toEqual([['a\n', 'b\n', '\n', 'c'], []]);
  });
});

describe('jobs created before normalisation', () => {
  it('computes the digest hub-proxy stored then for list sources', async () => {
    await expect(legacyNotebookDigest(listSourceNotebook())).resolves.toBe(LEGACY_LIST_SOURCE_DIGEST);
  });

  it("matches an old job's digest from the file as the lab reads it back", async () => {
    // The lab reads the script's file back with string sources; splitting them again finds the old digest.
    const asRead = listSourceNotebook() as unknown as { cells: Array<{ source: unknown }> };
    for (const cell of asRead.cells) {
      cell.source = (cell.source as string[]).join('');
    }
    const candidates = await inputDigestCandidates(asRead, clean);
    expect(candidates).toContain(LEGACY_LIST_SOURCE_DIGEST);
    expect(candidates).toContain(NORMALISED_DIGEST);
  });

  it('never matches an old digest after a real edit', async () => {
    const candidates = await inputDigestCandidates(editedNotebook(), clean);
    expect(candidates).not.toContain(LEGACY_LIST_SOURCE_DIGEST);
    expect(candidates).not.toContain(NORMALISED_DIGEST);
  });
});
