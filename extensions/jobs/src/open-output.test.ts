import type { Contents } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Run } from '@turing/client';
import { describe, expect, it } from 'vitest';

import { openRunOutput, untrustedCopy } from './open-output';
import { failedRun } from './testing/job-fixture';
import { OPEN_DOCUMENT_COMMAND } from './tokens';

/** What a runner (or the code it ran) could upload: every mark JupyterLab reads as "trusted". */
function trustedOutput() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { signature: 'sha256:0123', trusted: true, kernelspec: { name: 'python3' } },
    cells: [
      {
        cell_type: 'code',
        metadata: { trusted: true, signature: 'x', tags: ['report'] },
        source: 'show()',
        execution_count: 1,
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'text/html': '<script>window.__pwned=1</script>' },
          },
        ],
      },
      { cell_type: 'markdown', metadata: { trusted: true }, source: '# Title' },
    ],
  };
}

/** The fakes "Open output" talks to, recording what it asked of them. */
function context() {
  const saved: Array<{ path: string; model: Partial<Contents.IModel> }> = [];
  const commands: Array<[string, unknown]> = [];
  const outputs: unknown[][] = [];
  const ctx = {
    client: {
      jobs: {
        runOutput: (...args: unknown[]) => (outputs.push(args), Promise.resolve(trustedOutput())),
      },
    } as unknown as ITuringClient,
    contents: {
      get: (path: string) => Promise.resolve({ type: 'directory', path } as Contents.IModel),
      save: (path: string, model: Partial<Contents.IModel>) => {
        saved.push({ path, model });
        return Promise.resolve({ path } as Contents.IModel);
      },
    } as unknown as Contents.IManager,
    commands: {
      execute: (id: string, args: unknown) => (commands.push([id, args]), Promise.resolve()),
    } as unknown as CommandRegistry,
    docManager: null,
    directory: 'turing-outputs',
  };
  return { ctx, saved, commands, outputs };
}

describe('Open output', () => {
  const bobsRun: Run = { ...failedRun, job: 'daily', owner: 'bob' };

  it("asks for the run as its owner's, and saves it with no trusted or signature mark", async () => {
    const { ctx, saved, outputs } = context();
    const path = await openRunOutput(bobsRun, ctx);
    expect(outputs).toEqual([[bobsRun.id, 'ipynb', { user: 'bob' }]]);
    expect(path).toBe(`turing-outputs/daily/${bobsRun.id}.ipynb`);
    const notebook = saved.find((s) => s.path === path)?.model.content as ReturnType<typeof trustedOutput>;
    expect(JSON.stringify(notebook)).not.toMatch(/"(trusted|signature)"/);
    expect(notebook.metadata).toEqual({ kernelspec: { name: 'python3' } });
    expect(notebook.cells[0]?.metadata).toEqual({ tags: ['report'] });
    // The outputs stay: JupyterLab renders them untrusted, scripts stripped.
    expect(notebook.cells[0]?.outputs).toEqual(trustedOutput().cells[0]?.outputs);
  });

  it('opens the saved copy and runs no trust command', async () => {
    const { ctx, commands } = context();
    await openRunOutput(bobsRun, ctx);
    expect(commands).toEqual([[OPEN_DOCUMENT_COMMAND, { path: `turing-outputs/daily/${bobsRun.id}.ipynb` }]]);
  });

  it('drops the marks of nbformat 3 worksheets too, leaving the original untouched', () => {
    const v3 = {
      nbformat: 3,
      metadata: { signature: 's' },
      worksheets: [{ cells: [{ cell_type: 'code', metadata: { trusted: true }, outputs: [] }] }],
    };
    expect(untrustedCopy(v3)).toEqual({
      nbformat: 3,
      metadata: {},
      worksheets: [{ cells: [{ cell_type: 'code', metadata: {}, outputs: [] }] }],
    });
    expect(v3.metadata.signature).toBe('s');
  });
});
