/**
 * A small notebook as JupyterLab saves it after running it (outputs,
 * execution counts, `metadata.execution` timings), for digest and
 * parameter-cell tests.
 */
export function executedNotebook() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: [
      {
        id: 'p1',
        cell_type: 'code',
        metadata: {
          tags: ['parameters'],
          execution: { 'iopub.execute_input': '2026-01-01T00:00:00.000Z' },
        },
        execution_count: 3,
        source: ['date = "2026-11-28"  # the day\n', 'n = 3\n', "name: str = 'Zoë'\n"],
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['hello\n'] }],
      },
      {
        id: 'm1',
        cell_type: 'markdown',
        metadata: {},
        source: '# Report ✓',
      },
      {
        id: 'c2',
        cell_type: 'code',
        metadata: { collapsed: false },
        execution_count: 4,
        source: 'print(n * 2)',
        outputs: [
          { output_type: 'execute_result', execution_count: 4, data: { 'text/plain': ['6'] }, metadata: {} },
        ],
      },
    ],
  };
}

/**
 * The sha256 of the stripped {@link executedNotebook}, computed independently
 * with Python: `hashlib.sha256(json.dumps(stripped, sort_keys=True,
 * separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()`.
 */
export const EXECUTED_NOTEBOOK_DIGEST = 'f6bce0557c17e01c2b509462f165a61e307a9ab7533809c08347658a118e337b';
