import type { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { NotebookSource } from '@turing/client';

/** The notebook to schedule; `unsaved` when it comes from an open notebook with unsaved edits. */
export interface ResolvedSource {
  source: NotebookSource;
  unsaved: boolean;
}

import { notebookFromContents, notebookFromPanel } from './notebook-source';

/** Where the Schedule command can find the notebook. */
export interface SourceContext {
  contents: Contents.IManager;
  notebooks: INotebookTracker | null;
  browsers: IFileBrowserFactory | null;
}

/** The notebook selected in the (current) file browser, if it is one. */
function selectedNotebookPath(browsers: IFileBrowserFactory | null): string | undefined {
  const browser = browsers?.tracker.currentWidget;
  if (!browser) {
    return undefined;
  }
  for (const item of browser.selectedItems()) {
    if (item.type === 'notebook' || item.path.endsWith('.ipynb')) {
      return item.path;
    }
  }
  return undefined;
}

/**
 * The notebook the Schedule command acts on: `args.path` (read through the
 * contents API); the file browser's selected notebook when invoked from its
 * context menu (`args.source === 'filebrowser'`); else the current notebook's
 * model (the toolbar button and the palette), falling back to the file
 * browser's selection. `undefined` when there is none.
 */
export async function resolveNotebookSource(
  args: ReadonlyPartialJSONObject,
  ctx: SourceContext,
): Promise<ResolvedSource | undefined> {
  const fromFile = async (path: string | undefined) =>
    path ? { source: await notebookFromContents(ctx.contents, path), unsaved: false } : undefined;
  if (typeof args.path === 'string' && args.path !== '') {
    return fromFile(args.path);
  }
  if (args.source === 'filebrowser') {
    return fromFile(selectedNotebookPath(ctx.browsers));
  }
  const panel = ctx.notebooks?.currentWidget;
  if (panel) {
    await panel.context.ready;
    return { source: notebookFromPanel(ctx.contents, panel), unsaved: panel.context.model.dirty };
  }
  return fromFile(selectedNotebookPath(ctx.browsers));
}
