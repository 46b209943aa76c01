import type { NotebookPanel } from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import type { NotebookContent, NotebookSource } from '@turing/client';

/** A notebook file's saved content, read through the contents API. */
export async function notebookFromContents(
  contents: Contents.IManager,
  path: string,
): Promise<NotebookSource> {
  const model = await contents.get(path, { type: 'notebook', content: true });
  if (model.type !== 'notebook' || typeof model.content !== 'object' || model.content === null) {
    throw new Error(`${path} is not a notebook`);
  }
  return { path: contents.localPath(path), content: model.content as NotebookContent };
}

/**
 * A copy without the fields Jupyter never writes to disk (nbformat's
 * `strip_transient`: `metadata.signature`, and `trusted` in each cell's
 * metadata). The open notebook's model and the contents API both add
 * `trusted`; without it, both give the saved file's content and digest.
 */
export function withoutTransientFields(notebook: NotebookContent): NotebookContent {
  const copy = JSON.parse(JSON.stringify(notebook)) as NotebookContent & {
    metadata?: Record<string, unknown>;
    cells?: Array<{ metadata?: Record<string, unknown> }>;
  };
  delete copy.metadata?.signature;
  for (const cell of Array.isArray(copy.cells) ? copy.cells : []) {
    delete cell.metadata?.trusted;
  }
  return copy;
}

/** An open notebook's current content (unsaved edits included), from its model. */
export function notebookFromPanel(contents: Contents.IManager, panel: NotebookPanel): NotebookSource {
  const content = panel.context.model.toJSON() as unknown as NotebookContent;
  return { path: contents.localPath(panel.context.path), content: withoutTransientFields(content) };
}
