/**
 * `npm run generate`: writes the chart's CRDs (helm/turing/crds/) from the
 * zod schemas of their custom resources (see scripts/crds.ts).
 *
 *   --check   write nothing; exit 1 if a checked-in CRD differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, generateCrds } from './crds.js';

const check = process.argv.includes('--check');
let stale = 0;
for (const { file, text } of await generateCrds()) {
  const path = resolve(REPO_ROOT, file);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) {
    console.log(`unchanged ${file}`);
  } else if (check) {
    stale += 1;
    console.error(`out of date ${file}: run npm run generate`);
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${file}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
