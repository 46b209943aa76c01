import { describe, expect, it } from 'vitest';

import { notebookDigest as labDigest } from '../../extensions/jobs/src/notebook-digest.js';
import {
  NORMALISED_DIGEST,
  editedNotebook,
  labSavedNotebook,
  listSourceNotebook,
} from '../../extensions/jobs/src/testing/digest-fixtures.js';
// Not re-exported by the jobs feature index: the digest is internal to snapshots.
import { digestForm, notebookDigest, stripNotebook } from '../../hub-proxy/src/jobs/notebook.js';

// hub-proxy and the lab hash the same normalised form: the lab's
// "Input changed" warning is only honest if both agree on these fixtures.
describe('hub-proxy input digest normalisation', () => {
  it('gives list sources without ids the digest of string sources with ids and UI state', () => {
    expect(notebookDigest(stripNotebook(listSourceNotebook()))).toBe(NORMALISED_DIGEST);
    expect(notebookDigest(stripNotebook(labSavedNotebook()))).toBe(NORMALISED_DIGEST);
    expect(notebookDigest(labSavedNotebook())).toBe(NORMALISED_DIGEST);
  });

  it('changes the digest on a real edit', () => {
    expect(notebookDigest(stripNotebook(editedNotebook()))).not.toBe(NORMALISED_DIGEST);
  });

  it('keeps metadata that is content: tags, and jupyter keys other than UI state', () => {
    const nb = labSavedNotebook();
    const cell = nb.cells[1];
    if (!cell) throw new Error('fixture has a second cell');
    cell.metadata = { jupyter: { source_hidden: true, custom: 1 } } as typeof cell.metadata;
    const form = digestForm(nb) as { cells: Array<{ metadata: unknown; id?: unknown }> };
    expect(form.cells[1]?.metadata).toEqual({ jupyter: { custom: 1 } });
    expect(form.cells[0]?.metadata).toEqual({ tags: ['parameters'] });
    expect(form.cells[0]).not.toHaveProperty('id');
  });

  it('leaves the stored snapshot as sent: ids and list sources stay for papermill', () => {
    const stripped = stripNotebook(listSourceNotebook()) as { cells: Array<{ source: unknown }> };
    expect(stripped.cells[0]?.source).toEqual(['n = 3\n', "name = 'Zoë'\n"]);
    const saved = stripNotebook(labSavedNotebook()) as { cells: Array<{ id?: unknown }> };
    expect(saved.cells[0]?.id).toBe('a1b2c3');
  });
});

describe('the lab and hub-proxy agree on input digests', () => {
  it('gives the same digest on both sides for list sources, lab-saved and edited notebooks', async () => {
    for (const nb of [listSourceNotebook(), labSavedNotebook(), editedNotebook()]) {
      expect(await labDigest(nb)).toBe(notebookDigest(stripNotebook(nb)));
    }
  });
});
