import { PathExt, URLExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';
import { ServerConnection } from '@jupyterlab/services';
import type { ModelFile, VersionFileSource } from '@turing/client';

import type { SourceListing } from './model-format';

/**
 * The files of a model on the user's Jupyter server: listed through the
 * contents API and read, raw, from its `/files/` handler, so hub-proxy gets
 * exactly the bytes on disk.
 */

/** A folder with more files than this is refused before anything is read. */
export const MAX_LISTED_FILES = 10_000;

/** Hidden entries (`.ipynb_checkpoints`, dotfiles) are not part of a model. */
function hidden(name: string): boolean {
  return name.startsWith('.');
}

/** Lists a file, or a folder with every file below it (paths relative to the folder). */
export async function listSource(contents: Contents.IManager, path: string): Promise<SourceListing> {
  const root = await contents.get(path, { content: false });
  if (root.type !== 'directory') {
    return {
      kind: 'file',
      name: root.name,
      files: [{ path: root.name, sizeBytes: root.size ?? -1 }],
      directories: [],
    };
  }
  const files: ModelFile[] = [];
  const directories: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.shift() as string;
    const model = await contents.get(relative ? PathExt.join(path, relative) : path, { content: true });
    for (const child of (model.content ?? []) as Contents.IModel[]) {
      if (hidden(child.name)) {
        continue;
      }
      const childPath = relative ? `${relative}/${child.name}` : child.name;
      if (child.type === 'directory') {
        directories.push(childPath);
        pending.push(childPath);
      } else {
        files.push({ path: childPath, sizeBytes: child.size ?? -1 });
      }
      if (files.length > MAX_LISTED_FILES) {
        throw new Error(
          `"${root.name}" has more than ${MAX_LISTED_FILES} files; a model folder has far fewer.`,
        );
      }
    }
  }
  return { kind: 'directory', name: root.name, files, directories };
}

/** Reads one file's raw bytes from the Jupyter server (`GET {baseUrl}files/{path}`). */
export async function readServerFile(
  settings: ServerConnection.ISettings,
  path: string,
  signal?: AbortSignal,
): Promise<Blob> {
  const url = URLExt.join(settings.baseUrl, 'files', URLExt.encodeParts(path));
  const init: RequestInit = { method: 'GET' };
  if (signal) {
    init.signal = signal;
  }
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, `Could not read ${path} (HTTP ${response.status}).`);
  }
  return response.blob();
}

/**
 * The upload sources of listed files below `root` (the folder, or the file
 * itself). A size the contents API did not report (`-1`) is learnt by
 * reading the file once; that read is then reused for the upload.
 */
export async function fileSources(
  settings: ServerConnection.ISettings,
  contents: Contents.IManager,
  root: string,
  listing: SourceListing,
  files: readonly ModelFile[],
): Promise<VersionFileSource[]> {
  const local = contents.localPath(root);
  return Promise.all(
    files.map(async (file) => {
      const path = listing.kind === 'file' ? local : PathExt.join(local, file.path);
      let early: Blob | undefined;
      if (file.sizeBytes < 0) {
        early = await readServerFile(settings, path);
      }
      return {
        path: file.path,
        sizeBytes: early?.size ?? file.sizeBytes,
        read: (signal?: AbortSignal) =>
          early ? Promise.resolve(early) : readServerFile(settings, path, signal),
      };
    }),
  );
}
