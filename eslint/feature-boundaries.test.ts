import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

/** The boundary errors ESLint reports for `code` placed at `path` (relative to the repository). */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('hub-proxy import boundaries', () => {
  it('fails a shared folder that imports a feature', async () => {
    const errors = await boundaryErrors(
      'hub-proxy/src/k8s/fixture.ts',
      "import { jobsFeature } from '../jobs/index.js';\nexport const f = jobsFeature;\n",
    );
    expect(errors).toEqual([expect.stringContaining('A shared folder must not import a feature')]);
  });

  it('fails a shared subfolder that deep-imports a feature', async () => {
    const errors = await boundaryErrors(
      'hub-proxy/src/k8s/controller/fixture.ts',
      "import { CATALOG } from '../../environments/feature.js';\nexport const c = CATALOG;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('fails files/, a shared folder too, importing a feature', async () => {
    const errors = await boundaryErrors(
      'hub-proxy/src/files/fixture.ts',
      "import { modelsFeature } from '../models/index.js';\nexport const f = modelsFeature;\n",
    );
    expect(errors).toEqual([expect.stringContaining('A shared folder must not import a feature')]);
  });

  it('fails a deep import from one feature into another', async () => {
    const errors = await boundaryErrors(
      'hub-proxy/src/jobs/kubernetes/fixture.ts',
      "import { loadCatalog } from '../../environments/catalog/load-catalog.js';\nexport const l = loadCatalog;\n",
    );
    expect(errors).toEqual([expect.stringContaining("only through the other feature's index.ts")]);
  });

  it("allows a feature to import another feature's index and its own files", async () => {
    const errors = await boundaryErrors(
      'hub-proxy/src/jobs/fixture.ts',
      [
        "import { CATALOG } from '../environments/index.js';",
        "import { jobsConfig } from './config.js';",
        "import { ExponentialBackoff } from '../k8s/index.js';",
        'export const all = [CATALOG, jobsConfig, ExponentialBackoff];',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });

  it('fails the composition root deep-importing a feature, and allows its index', async () => {
    const deep = await boundaryErrors(
      'hub-proxy/src/assemble-fixture.ts',
      "import { jobsFeature } from './jobs/feature.js';\nexport const f = jobsFeature;\n",
    );
    expect(deep).toHaveLength(1);
    const index = await boundaryErrors(
      'hub-proxy/src/assemble-fixture.ts',
      "import { jobsFeature } from './jobs/index.js';\nexport const f = jobsFeature;\n",
    );
    expect(index).toEqual([]);
  });
});
