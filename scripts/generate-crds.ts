/**
 * `npm run generate`: writes the chart's CRDs (helm/turing/crds/) from the
 * zod schemas of their custom resources (see scripts/crds.ts).
 *
 *   --check   write nothing; exit 1 if a checked-in CRD differs
 */
import { REPO_ROOT, generateCrds } from './crds.js';
import { syncGeneratedFile } from './generated-file.js';

const check = process.argv.includes('--check');
let stale = 0;
for (const { file, text } of await generateCrds()) {
  if (!syncGeneratedFile(REPO_ROOT, file, text, check)) stale += 1;
}
process.exitCode = stale > 0 ? 1 : 0;
