import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { Contents } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import type { ITuringClient, Run } from '@turing/client';

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
 * Fetches a run's executed notebook from hub-proxy, saves it into the home
 * directory through the contents API and opens it. Resolves with its path.
 */
export async function openRunOutput(run: Run, ctx: OpenOutputContext): Promise<string> {
  const content = await ctx.client.jobs.runOutput(run.id, 'ipynb');
  const path = outputPath(ctx.directory, run);
  await ensureDirectory(ctx.contents, path.slice(0, path.lastIndexOf('/')));
  await ctx.contents.save(path, { type: 'notebook', format: 'json', content });
  if (ctx.docManager) {
    ctx.docManager.openOrReveal(path);
  } else {
    await ctx.commands.execute(OPEN_DOCUMENT_COMMAND, { path });
  }
  return path;
}
