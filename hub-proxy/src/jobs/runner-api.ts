import { Conflict, Forbidden, NotFound, Unauthenticated } from '../errors/index.js';
import {
  isTerminal,
  type JobRuntime,
  type NotebookJob,
  type OutputFormat,
  type RunProgress,
  type RunRecord,
  type RunTokens,
} from './model.js';
import type { ArtifactInfo, ArtifactStore } from '../artifacts/index.js';
import { artifactKeys, type RunArtifactName } from './naming.js';
import { KubeNotFoundError } from '../k8s/errors.js';

/** Dependencies of {@link RunnerApiService}. */
export interface RunnerApiServiceOptions {
  runtime: JobRuntime;
  artifacts: ArtifactStore;
  tokens: RunTokens;
}

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
 * carries a run token (`Authorization: Bearer`) that names one job and
 * usually one run; it may act only on a run of that job that is still
 * going: 401 without a valid token, 403 for another job's (or run's) run,
 * 404 for no such run, 409 once the run has ended.
 */
export class RunnerApiService {
  constructor(private readonly options: RunnerApiServiceOptions) {}

  /** The run's notebook, kernel, effective parameters and output formats. */
  async spec(authorization: string | undefined, runId: string): Promise<RunnerSpec> {
    const run = await this.authorize(authorization, runId);
    const job = await this.job(run);
    const notebook = await this.snapshot(job);
    return {
      run: run.id,
      job: run.job,
      attempt: Math.max(run.attempt, 1),
      kernel: job.spec.notebook.kernel,
      parameters: { ...job.spec.parameters, ...run.parameters },
      outputs: [...job.spec.outputs],
      notebook,
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
    return this.options.artifacts.put(key, body, { contentType: ARTIFACT_CONTENT_TYPES[file] });
  }

  /** The run the token may act on, or the 401/403/404/409 that says why not. */
  private async authorize(authorization: string | undefined, runId: string): Promise<RunRecord> {
    const token = bearerToken(authorization);
    if (!token) throw new Unauthenticated('A run token is required (Authorization: Bearer <token>).');
    const claims = this.options.tokens.verify(token);
    if (!claims) throw new Unauthenticated('The run token is invalid or has expired.');
    if (claims.run !== undefined && claims.run !== runId) {
      throw new Forbidden('The run token belongs to another run.');
    }
    const run = await this.options.runtime.getRun(runId);
    if (!run) throw new NotFound(`Run "${runId}" not found.`);
    if (claims.job !== run.jobObjectName) throw new Forbidden('The run token belongs to another job.');
    if (isTerminal(run.state)) throw new Conflict(`Run "${runId}" has already ended (${run.state}).`);
    return run;
  }

  private async job(run: RunRecord): Promise<NotebookJob> {
    try {
      return await this.options.runtime.definitions.get(run.jobObjectName);
    } catch (err) {
      if (err instanceof KubeNotFoundError) throw new NotFound(`The job of run "${run.id}" was deleted.`);
      throw err;
    }
  }

  private async snapshot(job: NotebookJob): Promise<Record<string, unknown>> {
    const stored = await this.options.artifacts.get(job.spec.notebook.inputKey);
    if (!stored) throw new NotFound(`The input notebook of job "${job.spec.jobName}" is missing.`);
    return JSON.parse((await readAll(stored.body)).toString('utf8')) as Record<string, unknown>;
  }
}
