import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// Records of the local runtimes (jobs, runs, models) as one JSON file each.

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/**
 * Writes `value` as JSON to `path` atomically: a temp file in the same
 * directory renamed over the target, so a crash never leaves half a record.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The parsed JSON at `path`, or undefined if there is no such file. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Every `*.json` record in `directory` (none if it does not exist), in
 * file-name order: readdir's own order depends on the file system.
 */
export async function readJsonDirectory<T>(directory: string): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw err;
  }
  const records = await Promise.all(
    names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => readJsonFile<T>(join(directory, n))),
  );
  return records.filter((r): r is Awaited<T> => r !== undefined) as T[];
}

/** Removes `path`; true if it was there. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}
