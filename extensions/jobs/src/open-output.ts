import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, NotebookContent, Run } from '@turing/client';

import { failingCellIndex } from './failing-cell';
import { runOutputNotebook } from './job-requests';
import { OPEN_DOCUMENT_COMMAND } from './tokens';

/** What "Open output" needs from JupyterLab. */
export interface OpenOutputContext {
  client: ITuringClient;
  contents: Contents.IManager;
  commands: CommandRegistry;
  docManager: IDocumentManager | null;
  /** Folder in the home directory, e.g. `turing-outputs`. */
  directory: string;
}

/** Where a run's output notebook is saved: `<directory>/<job>/<run id>.ipynb`. */
export function outputPath(directory: string, run: Pick<Run, 'id' | 'job'>): string {
  return `${directory}/${run.job}/${run.id}.ipynb`;
}

/** Creates `path` and its missing parents as directories (the contents API makes one level at a time). */
export async function ensureDirectory(contents: Contents.IManager, path: string): Promise<void> {
  let current = '';
  for (const segment of path.split('/').filter(Boolean)) {
    current = current ? `${current}/${segment}` : segment;
    const existing = await contents.get(current, { content: false }).catch(() => null);
    if (existing?.type === 'directory') {
      continue;
    }
    if (existing) {
      throw new Error(`${current} exists and is not a folder`);
    }
    await contents.save(current, { type: 'directory' });
  }
}

/**
 * A copy without `trusted` or `signature`, on the notebook or any cell.
 * hub-proxy already serves outputs so; this copy does not depend on it.
 */
export function untrustedCopy(notebook: NotebookContent): NotebookContent {
  const copy = JSON.parse(JSON.stringify(notebook)) as NotebookContent;
  // The marks that make jupyter_server sign a saved notebook, and JupyterLab run its scripts.
  const drop = (metadata: unknown) => {
    if (typeof metadata === 'object' && metadata !== null) {
      delete (metadata as { trusted?: unknown }).trusted;
      delete (metadata as { signature?: unknown }).signature;
    }
  };
  const cellsOf = (owner: unknown): unknown[] => {
    const cells = (owner as { cells?: unknown } | null)?.cells;
    return Array.isArray(cells) ? cells : [];
  };
  // nbformat 3 keeps its cells in worksheets.
  const sheets = Array.isArray(copy.worksheets) ? (copy.worksheets as unknown[]) : [];
  drop(copy.metadata);
  for (const cell of [copy, ...sheets].flatMap(cellsOf)) {
    drop((cell as { metadata?: unknown } | null)?.metadata);
  }
  return copy;
}

/**
 * Fetches a run's executed notebook from hub-proxy (as its owner's run: an
 * admin may open anyone's), saves it into the home directory through the
 * contents API and opens it. Resolves with its path. The notebook is
 * someone's program output: it is saved untrusted (never signed), so
 * JupyterLab renders its HTML sanitised and runs none of its scripts; no
 * trust command is ever run.
 */
export async function openRunOutput(run: Run, ctx: OpenOutputContext): Promise<string> {
  return (await saveAndOpen(run, ctx)).path;
}

async function saveAndOpen(
  run: Run,
  ctx: OpenOutputContext,
): Promise<{ path: string; content: NotebookContent; widget: unknown }> {
  const content = untrustedCopy(await runOutputNotebook(ctx.client, run));
  const path = outputPath(ctx.directory, run);
  await ensureDirectory(ctx.contents, path.slice(0, path.lastIndexOf('/')));
  await ctx.contents.save(path, { type: 'notebook', format: 'json', content });
  const widget = ctx.docManager
    ? ctx.docManager.openOrReveal(path)
    : await ctx.commands.execute(OPEN_DOCUMENT_COMMAND, { path });
  return { path, content, widget };
}

/** The parts of a `NotebookPanel` used to show a cell (typed loosely: the widget comes from the document manager). */
interface NotebookLike {
  context?: { ready?: Promise<void> };
  content?: {
    activeCellIndex: number;
    scrollToItem?: (
      index: number,
      behavior?: ScrollBehavior,
      margin?: number,
      align?: string,
    ) => Promise<void>;
    activeCell?: { node?: HTMLElement } | null;
  };
}

/**
 * "Open output at the failing cell": opens the run's output notebook as
 * {@link openRunOutput} does, then makes the cell that raised (see
 * {@link failingCellIndex}) the active one and scrolls it into view.
 * Resolves with the path and that cell's index (`undefined` when no cell raised).
 */
export async function openRunOutputAtFailingCell(
  run: Run,
  ctx: OpenOutputContext,
): Promise<{ path: string; cell: number | undefined }> {
  const { path, content, widget } = await saveAndOpen(run, ctx);
  const cell = failingCellIndex(content);
  const panel = widget as NotebookLike | undefined;
  if (cell !== undefined && panel?.content) {
    await panel.context?.ready;
    panel.content.activeCellIndex = cell;
    await panel.content.scrollToItem?.(cell, 'auto', 0, 'center');
    panel.content.activeCell?.node?.scrollIntoView?.({ block: 'center' });
  }
  return { path, cell };
}
