import type { ArtifactStore } from '../../hub-proxy/src/artifacts/index.js';
import type { NotebookJob, NotebookJobSpec } from '../../hub-proxy/src/jobs/model.js';
import { artifactKeys, jobObjectName } from '../../hub-proxy/src/jobs/naming.js';
import { notebookDigest, stripNotebook, type NotebookJson } from '../../hub-proxy/src/jobs/notebook.js';
import { notebookJobFixture } from '../../hub-proxy/src/jobs/testing/notebook-job-fixture.js';

/**
 * Stores `content` as the input snapshot, as the jobs service would, and
 * returns a NotebookJob for the local runtime that runs it (not yet created).
 */
export async function localJobFor(
  artifacts: ArtifactStore,
  owner: string,
  jobName: string,
  content: NotebookJson,
  spec: Partial<NotebookJobSpec> = {},
): Promise<NotebookJob> {
  const stripped = stripNotebook(content);
  const digest = notebookDigest(stripped);
  const inputKey = artifactKeys.input(owner, jobObjectName(owner, jobName), digest);
  const bytes = Buffer.from(JSON.stringify(stripped));
  await artifacts.put(inputKey, bytes, { contentType: 'application/x-ipynb+json' });
  return notebookJobFixture(owner, jobName, {
    notebook: {
      path: `work/${jobName}.ipynb`,
      inputKey,
      digest,
      sizeBytes: bytes.length,
      updatedAt: new Date().toISOString(),
      kernel: 'python3',
    },
    environment: 'local',
    image: 'local',
    ...spec,
  });
}
