import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemArtifactStore } from '../../artifacts/filesystem-store.js';
import { createLogger } from '../../observability/logger.js';
import type { RunRecord } from '../model.js';
import { HmacRunTokens, runTokenSubject } from '../run-token.js';
import { RunnerApiService } from '../runner-api.js';
import { errorKind } from '../testing/error-kind.js';
import { notebookJobFixture } from '../testing/notebook-job-fixture.js';
import { LocalJobRuntime } from './local-job-runtime.js';

/** A stand-in runner that leaves its token where the test can read it, then runs until stopped. */
const TOKEN_KEEPING_RUNNER = `
const fs = require('node:fs');
const path = require('node:path');
fs.writeFileSync(path.join(__dirname, process.env.TURING_RUN_ID + '.token'), process.env.TURING_RUN_TOKEN || '');
setTimeout(() => {}, 60_000);
`;

describe('run tokens of the local runtime', () => {
  let dir: string;
  let runtime: LocalJobRuntime;
  let service: RunnerApiService;
  const tokens = new HmacRunTokens('a test secret of at least sixteen characters');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-run-token-'));
    await writeFile(join(dir, 'runner.cjs'), TOKEN_KEEPING_RUNNER);
    const artifacts = new FilesystemArtifactStore({
      directory: join(dir, 'artifacts'),
      maxObjectBytes: 1 << 20,
      maxOwnerBytes: 1 << 24,
    });
    runtime = new LocalJobRuntime({
      stateDir: join(dir, 'state'),
      artifacts,
      tokens,
      runnerApiUrl: () => 'http://127.0.0.1:9/services/turing/',
      pythonPath: process.execPath,
      runnerScript: join(dir, 'runner.cjs'),
      logger: createLogger({ level: 'silent' }),
      killGraceMs: 200,
    });
    await runtime.start();
    service = new RunnerApiService({ runtime, artifacts, tokens });
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function tokenOf(run: RunRecord): Promise<string> {
    for (let i = 0; i < 400; i++) {
      const token = await readFile(join(dir, `${run.id}.token`), 'utf8').catch(() => '');
      if (token) return token;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${run.id} never received a token`);
  }

  const progress = (token: string, run: RunRecord) =>
    service.progress(`Bearer ${token}`, run.id, { cell: 1, cells: 2 }).then(
      () => 'ok',
      (err: unknown) => errorKind(err),
    );

  it("binds each run's token to the definition's uid and owner, so a recreated job refuses the old one", async () => {
    const first = await runtime.definitions.create(notebookJobFixture('alice', 'daily'));
    const run1 = await runtime.startRun(first, { trigger: 'manual' });
    const kept = await tokenOf(run1);
    expect(tokens.verify(kept)).toMatchObject({
      job: first.metadata.name,
      uid: first.metadata.uid,
      owner: 'alice',
      run: run1.id,
    });
    expect(await progress(kept, run1)).toBe('ok');

    await runtime.cancelRun(run1.id);
    await runtime.definitions.delete(first.metadata.name ?? '');
    const again = await runtime.definitions.create(notebookJobFixture('alice', 'daily'));
    expect(again.metadata.uid).not.toBe(first.metadata.uid);
    // A job-scoped token of the deleted definition, which no run id pins down.
    const ofDeleted = tokens.issue(runTokenSubject(first), 600);
    const run2 = await runtime.startRun(again, { trigger: 'manual' });
    expect(await progress(kept, run2)).toBe('not-found');
    expect(await progress(ofDeleted, run2)).toBe('not-found');
    expect(await progress(await tokenOf(run2), run2)).toBe('ok');
  });
});
