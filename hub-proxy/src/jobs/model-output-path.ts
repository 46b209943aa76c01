/**
 * The rules for a job's model output path: relative to the notebook's
 * working directory and never leaving it. The runner checks the resolved
 * path again; this is what the API tells the user before anything runs.
 */

// Control characters break logs and some filesystems.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why `path` cannot be a model output path, as a sentence fragment; undefined when it can. */
export function modelOutputPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'enter the file or folder the notebook writes, e.g. "model/"';
  if (path !== path.trim()) return 'must not start or end with spaces';
  if (path.startsWith('/') || path.startsWith('~')) {
    return 'must be relative to the notebook\'s working directory (no leading "/" or "~")';
  }
  if (path.includes('\\')) return 'must use "/" between folders, not "\\"';
  if (CONTROL_CHARACTER.test(path)) return 'must not contain control characters';
  // A trailing "/" just says "a folder"; any other empty segment is a typo.
  const segments = path.endsWith('/') ? path.slice(0, -1).split('/') : path.split('/');
  if (segments.includes('..')) return 'must stay inside the working directory (no "..")';
  if (segments.some((s) => s === '')) return 'must not contain "//"';
  return undefined;
}
