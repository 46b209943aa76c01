import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Brings one generated file up to date, or with `check` only reports it:
 * returns false when the file differs from `text` in check mode (stale).
 * Prints `unchanged`, `wrote` or `out of date` with the file name.
 */
export function syncGeneratedFile(root: string, file: string, text: string, check: boolean): boolean {
  const path = resolve(root, file);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) {
    console.log(`unchanged ${file}`);
    return true;
  }
  if (check) {
    console.error(`out of date ${file}: run npm run generate`);
    return false;
  }
  writeFileSync(path, text);
  console.log(`wrote ${file}`);
  return true;
}
