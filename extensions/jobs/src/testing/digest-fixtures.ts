/**
 * Notebooks for the input digest tests of BOTH sides: hub-proxy
 * (`notebook.test.ts`) and the lab (`notebook-digest.test.ts`)
 * import these, so the two implementations are held to the same cases.
 * Each function returns a fresh copy.
 */

/** The notebook as a script sends it: nbformat 4.4 style, sources as lists of lines, no cell ids. */
export function listSourceNotebook() {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    },
    cells: [
      {
        cell_type: 'code',
        metadata: { tags: ['parameters'] },
        execution_count: null,
        source: ['n = 3\n', "name = 'Zoë'\n"],
        outputs: [],
      },
      {
        cell_type: 'markdown',
        metadata: {},
        source: ['# Report ✓\n', '\n', 'Daily numbers.'],
      },
      {
        cell_type: 'code',
        metadata: {},
        execution_count: null,
        source: ['print(n * 2)'],
        outputs: [],
      },
    ],
  };
}

/**
 * The same notebook as JupyterLab reads it back after saving: string
 * sources, cell ids, nbformat 4.5, transient UI state in the cell metadata
 * (`collapsed`, `scrolled`, `jupyter.outputs_hidden`, `trusted`,
 * `execution` timings), the kernel's `language_info`, outputs and counts.
 */
export function labSavedNotebook() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python', version: '3.11.7' },
      trusted: true,
    },
    cells: [
      {
        id: 'a1b2c3',
        cell_type: 'code',
        metadata: {
          tags: ['parameters'],
          trusted: true,
          execution: { 'iopub.execute_input': '2026-01-01T00:00:00.000Z' },
        },
        execution_count: 3,
        source: "n = 3\nname = 'Zoë'\n",
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['hello\n'] }],
      },
      {
        id: 'd4e5f6',
        cell_type: 'markdown',
        metadata: { jupyter: { source_hidden: true } },
        source: '# Report ✓\n\nDaily numbers.',
      },
      {
        id: 'g7h8i9',
        cell_type: 'code',
        metadata: { collapsed: true, scrolled: 'auto', jupyter: { outputs_hidden: true } },
        execution_count: 4,
        source: 'print(n * 2)',
        outputs: [
          { output_type: 'execute_result', execution_count: 4, data: { 'text/plain': ['6'] }, metadata: {} },
        ],
      },
    ],
  };
}

/** {@link labSavedNotebook} with a real edit: the last cell prints `n * 3`. */
export function editedNotebook() {
  const notebook = labSavedNotebook();
  const last = notebook.cells[2];
  if (last) last.source = 'print(n * 3)';
  return notebook;
}

/**
 * The digest of all three unedited forms above, computed independently with
 * Python from the normalised form `{"cells": [{"cell_type", "execution_count":
 * null, "metadata", "outputs": [], "source": <joined>}, ...], "metadata":
 * {"kernelspec": ...}, "nbformat": 4}`:
 * `hashlib.sha256(json.dumps(form, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False).encode()).hexdigest()`.
 */
export const NORMALISED_DIGEST = 'b382e5c6df6815cbb1cdc7fca795d0c21207b80f3967a66f0979119ae8d1daa1';

/**
 * The digest hub-proxy stored before normalisation (sha256 of the stripped,
 * key-sorted {@link listSourceNotebook}, list sources kept), as jobs
 * created then carry it.
 */
export const LEGACY_LIST_SOURCE_DIGEST = 'be6d36a86c3523fc68fa49e81329e6c22795e4af16ed32ffc63ade54371d7631';
