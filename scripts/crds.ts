/**
 * The chart's generated CustomResourceDefinitions: each is built from its
 * feature's zod schema, rendered as YAML and formatted with the repository's
 * Prettier settings (so `prettier --check helm` accepts it). Used by
 * `npm run generate` (scripts/generate-crds.ts) and by the test that fails
 * when a checked-in CRD is stale.
 */
import { resolve } from 'node:path';
import * as prettier from 'prettier';
import {
  NOTEBOOK_JOB_CRD_FILE,
  NOTEBOOK_JOB_CRD_HEADER,
  notebookJobCrd,
} from '../hub-proxy/src/jobs/notebook-job-crd.js';
import {
  MODEL_SERVER_CRD_FILE,
  MODEL_SERVER_CRD_HEADER,
  modelServerCrd,
} from '../hub-proxy/src/models/model-server-crd.js';
import { renderCrdYaml } from '../hub-proxy/src/k8s/crd.js';

/** The repository root; CRD file names are relative to it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** One generated file. */
export interface GeneratedCrd {
  /** Relative to {@link REPO_ROOT}. */
  file: string;
  text: string;
}

/** Every generated CRD; a new custom resource adds its entry here. */
const CRDS: { file: string; header: readonly string[]; build: () => Record<string, unknown> }[] = [
  { file: NOTEBOOK_JOB_CRD_FILE, header: NOTEBOOK_JOB_CRD_HEADER, build: notebookJobCrd },
  { file: MODEL_SERVER_CRD_FILE, header: MODEL_SERVER_CRD_HEADER, build: modelServerCrd },
];

/** Builds every CRD and returns the text its file must have. */
export async function generateCrds(): Promise<GeneratedCrd[]> {
  return Promise.all(
    CRDS.map(async ({ file, header, build }) => {
      const filepath = resolve(REPO_ROOT, file);
      const options = (await prettier.resolveConfig(filepath)) ?? {};
      const text = await prettier.format(renderCrdYaml(build(), header), { ...options, filepath });
      return { file, text };
    }),
  );
}
