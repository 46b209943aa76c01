import { lastLines } from './log-lines.js';
import type { ProcessExit } from './serving-process.js';

/** Log lines a status message carries at most. */
const EXCERPT_LINES = 15;

/**
 * The end of one serving process's output in the model's log (from
 * `offset`), for a status message: its last exception line first (a Python
 * traceback ends with it), then the last lines. Native stack frames
 * (`[bt] (3) libxgboost.so(...)`) are left out: they say nothing to a user.
 * Empty when the process wrote nothing.
 */
export async function logExcerpt(logPath: string, offset: number): Promise<string> {
  const text = await lastLines(logPath, EXCERPT_LINES * 4, offset);
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s*\[bt\]/.test(l))
    .slice(-EXCERPT_LINES);
  if (lines.length === 0) return '';
  const cause = [...lines].reverse().find((l) => /^[\w.]*(Error|Exception)\b.*:/.test(l.trim()));
  return `${cause ? `\n${cause.trim()}` : ''}\nLast lines of its log:\n${lines.join('\n')}`;
}

/** `exited with code 1`, `was killed by SIGKILL`, `could not start (...)`. */
export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) return `could not start (${exit.spawnError.message})`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** `version 3`, `versions 3 and 4`. */
export function versionWords(versions: readonly number[]): string {
  return versions.length === 1 ? `version ${versions[0]}` : `versions ${versions.join(' and ')}`;
}

/** `MLServer`, `The TF Serving stand-in`: a server's label at the start of a sentence. */
export function sentenceStart(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}
