import { Conflict, InvalidInput, NotFound, TooLarge, Unauthenticated } from '../errors/index.js';
import {
  isTerminal,
  type JobRuntime,
  type NotebookJob,
  type OutputFormat,
  type RunProgress,
  type RunRecord,
  type RunTokens,
} from './model.js';
import { DEFAULT_MAX_OBJECT_BYTES, type ArtifactInfo, type ArtifactStore } from '../artifacts/index.js';
import { artifactKeys, type RunArtifactName } from './naming.js';
import { untrustedNotebook } from './output-sanitizer.js';
import { runTokenSubject } from './run-token.js';
import { KubeNotFoundError } from '../k8s/errors.js';

/** Dependencies of {@link RunnerApiService}. */
export interface RunnerApiServiceOptions {
  runtime: JobRuntime;
  artifacts: ArtifactStore;
  tokens: RunTokens;
  /** Largest `output.ipynb` read into memory to strip its trust marks; default the store's default object limit. */
  maxOutputNotebookBytes?: number;
  /** Most files one run's model output may have; default {@link MAX_MODEL_OUTPUT_FILES}. */
  maxModelOutputFiles?: number;
}

/** Most files in one run's model output (a SavedModel has a handful; a checkpoint folder more). */
export const MAX_MODEL_OUTPUT_FILES = 1000;

/** What the runner needs to execute a run (`GET .../spec`). */
export interface RunnerSpec {
  /** The run id. */
  run: string;
  /** The user-facing job name. */
  job: string;
  /** Attempt now running (1-based). */
  attempt: number;
  /** The kernelspec papermill starts. */
  kernel: string;
  /** The job's parameters with the run's overrides on top. */
  parameters: Record<string, unknown>;
  outputs: OutputFormat[];
  /** The job's input snapshot (nbformat 4 JSON). */
  notebook: Record<string, unknown>;
  /** For jobs with a model output: what to upload after a successful run. */
  modelOutput?: { model: string; path: string };
}

/** Content types the artifacts are stored with, whatever the runner sends. */
const ARTIFACT_CONTENT_TYPES: Record<RunArtifactName, string> = {
  'output.ipynb': 'application/x-ipynb+json',
  'output.html': 'text/html; charset=utf-8',
  'log.txt': 'text/plain; charset=utf-8',
};

/** The token of an `Authorization: Bearer <token>` header. */
function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The API runners call, in a pod or as a local subprocess. Each call
 * carries a run token (`Authorization: Bearer`) that names one NotebookJob
 * object (name, uid and owner) and sometimes one run; it may act only on a
 * run of that object that is still going: 401 without a valid token, 404
 * for a run it does not reach (none, another job's or run's, or a run of a
 * later object of the same name), 409 once the run has ended.
 */
export class RunnerApiService {
  constructor(private readonly options: RunnerApiServiceOptions) {}

  /** The run's notebook, kernel, effective parameters and output formats. */
  async spec(authorization: string | undefined, runId: string): Promise<RunnerSpec> {
    const { run, job } = await this.authorizeRun(authorization, runId);
    const notebook = await this.snapshot(job);
    return {
      run: run.id,
      job: run.job,
      attempt: Math.max(run.attempt, 1),
      kernel: job.spec.notebook.kernel,
      parameters: { ...job.spec.parameters, ...run.parameters },
      outputs: [...job.spec.outputs],
      notebook,
      ...(job.spec.modelOutput
        ? { modelOutput: { model: job.spec.modelOutput.model, path: job.spec.modelOutput.path } }
        : {}),
    };
  }

  /** Stores the runner's per-cell progress on the run. */
  async progress(authorization: string | undefined, runId: string, progress: RunProgress): Promise<void> {
    await this.authorize(authorization, runId);
    await this.options.runtime.recordProgress(runId, progress);
  }

  /** Streams one output of the run into the artifact store (limits apply: 413). */
  async putArtifact(
    authorization: string | undefined,
    runId: string,
    file: RunArtifactName,
    body: AsyncIterable<Uint8Array>,
  ): Promise<ArtifactInfo> {
    const run = await this.authorize(authorization, runId);
    const key = artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, file);
    // The run's own code holds this token too: a notebook is stored only once it can't be trusted.
    const content =
      file === 'output.ipynb'
        ? await untrustedNotebook(body, this.options.maxOutputNotebookBytes ?? DEFAULT_MAX_OBJECT_BYTES)
        : body;
    return this.options.artifacts.put(key, content, { contentType: ARTIFACT_CONTENT_TYPES[file] });
  }

  /**
   * Streams one file of the run's model output into the artifact store,
   * under the run's `model-output/` prefix (`path` is relative to the output
   * root). The store's object and owner limits apply (413), and so does a
   * limit on the number of files. 409 for a job without a model output.
   */
  async putModelOutputFile(
    authorization: string | undefined,
    runId: string,
    path: string,
    body: AsyncIterable<Uint8Array>,
  ): Promise<ArtifactInfo> {
    const { run, job } = await this.authorizeModelOutput(authorization, runId);
    let key: string;
    try {
      key = artifactKeys.modelOutputFile(run.owner, run.jobObjectName, run.id, path);
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      const problem = err.errors[0]?.message ?? 'is not a usable file path';
      throw new InvalidInput(
        [{ field: 'params.path', message: problem }],
        `Model output file "${path.slice(0, 80)}" ${problem}.`,
      );
    }
    const limit = this.options.maxModelOutputFiles ?? MAX_MODEL_OUTPUT_FILES;
    const prefix = artifactKeys.modelOutputPrefix(run.owner, run.jobObjectName, run.id);
    const present = await this.options.artifacts.keys(prefix);
    if (present.length >= limit && !present.includes(key)) {
      throw new TooLarge(
        `The model output of job "${job.spec.jobName}" has more than ${limit} files; write fewer (e.g. one archive).`,
      );
    }
    return this.options.artifacts.put(key, body, { contentType: 'application/octet-stream' });
  }

  /** Deletes what an earlier attempt of the run uploaded as its model output (before a new upload). */
  async clearModelOutput(authorization: string | undefined, runId: string): Promise<void> {
    const { run } = await this.authorizeModelOutput(authorization, runId);
    await this.options.artifacts.deletePrefix(
      artifactKeys.modelOutputPrefix(run.owner, run.jobObjectName, run.id),
    );
  }

  /** {@link authorizeRun}, and a 409 for a job that declares no model output. */
  private async authorizeModelOutput(
    authorization: string | undefined,
    runId: string,
  ): Promise<{ run: RunRecord; job: NotebookJob }> {
    const found = await this.authorizeRun(authorization, runId);
    if (!found.job.spec.modelOutput) {
      throw new Conflict(`Job "${found.job.spec.jobName}" declares no model output.`);
    }
    return found;
  }

  /** The run the token may act on, or the 401/404/409 that says why not. */
  private async authorize(authorization: string | undefined, runId: string): Promise<RunRecord> {
    return (await this.authorizeRun(authorization, runId)).run;
  }

  /**
   * The run and its NotebookJob, if the token reaches them. Every mismatch is
   * the same 404 as a missing run, so a token (which a user can read in their
   * own run pod) cannot learn whether another user's run exists. The uid
   * check is what ties the token to one object: a job deleted and created
   * again under the same name has a new uid, and the old token stops working.
   */
  private async authorizeRun(
    authorization: string | undefined,
    runId: string,
  ): Promise<{ run: RunRecord; job: NotebookJob }> {
    const token = bearerToken(authorization);
    if (!token) throw new Unauthenticated('A run token is required (Authorization: Bearer <token>).');
    const claims = this.options.tokens.verify(token);
    if (!claims) throw new Unauthenticated('The run token is invalid or has expired.');
    const unreachable = new NotFound(`Run "${runId}" not found.`);
    if (claims.run !== undefined && claims.run !== runId) throw unreachable;
    const run = await this.options.runtime.getRun(runId);
    if (!run || run.jobObjectName !== claims.job || run.owner !== claims.owner) throw unreachable;
    const job = await this.options.runtime.definitions.get(run.jobObjectName).catch((err: unknown) => {
      throw err instanceof KubeNotFoundError ? unreachable : err;
    });
    const subject = runTokenSubject(job);
    if (subject.uid !== claims.uid || subject.owner !== claims.owner) throw unreachable;
    if (isTerminal(run.state)) throw new Conflict(`Run "${runId}" has already ended (${run.state}).`);
    return { run, job };
  }

  private async snapshot(job: NotebookJob): Promise<Record<string, unknown>> {
    const stored = await this.options.artifacts.get(job.spec.notebook.inputKey);
    if (!stored) throw new NotFound(`The input notebook of job "${job.spec.jobName}" is missing.`);
    return JSON.parse((await readAll(stored.body)).toString('utf8')) as Record<string, unknown>;
  }
}
