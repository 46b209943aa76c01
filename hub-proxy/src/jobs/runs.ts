import { StringDecoder } from 'node:string_decoder';
import type { Actor } from '../ownership/ownership.js';
import { Conflict, InvalidInput, NotFound, UpstreamFailed } from '../errors/index.js';
import { KubeConflictError, KubeNotFoundError } from '../k8s/errors.js';
import type { RunView } from './schemas.js';
import { isTerminal, type JobRuntime, type NotebookJob, type RunRecord, type RunState } from './model.js';
import type { ArtifactStore } from '../artifacts/index.js';
import { artifactKeys, manualRunId, type RunArtifactName } from './naming.js';
import { inertHtml, untrustedNotebook } from './output-sanitizer.js';
import { ownerOf, toRunView } from './views.js';
import type { JobsService } from './service.js';

/** One piece of a followed log: text, or the end with the run's final state. */
export type LogEvent = { text: string } | { end: RunState };

/** Bytes to send as they are read: a stored log or an output made inert. */
export interface RunDocument {
  /** The run's id (for a download's file name). */
  runId: string;
  sizeBytes: number;
  body: AsyncIterable<Uint8Array> | Uint8Array;
}

/** How often a followed log re-reads a run the runtime cannot stream. */
const POLL_MS = 1000;

/**
 * Runs of jobs: start one now, list, read, cancel, and read their log and
 * outputs. Someone else's run is a 404, exactly like a missing one.
 */
export class JobRunsService {
  constructor(
    private readonly jobs: JobsService,
    private readonly runtime: JobRuntime,
    private readonly artifacts: ArtifactStore,
  ) {}

  /**
   * Starts a manual run now, with optional parameter overrides, within the
   * owner's limits (parameter size, run-now rate, active runs, GPU quota).
   */
  async runNow(
    actor: Actor,
    name: string,
    parameters: Record<string, unknown> | undefined,
    user?: string,
  ): Promise<RunView> {
    const job = await this.jobs.getObject(actor, name, user);
    await this.jobs.limits.admitRunNow(ownerOf(job), job, parameters);
    if (job.spec.concurrency === 'forbid') {
      const active = (await this.runtime.listRuns(job.metadata.name ?? '')).find((r) => !isTerminal(r.state));
      if (active) {
        throw new Conflict(
          `Run ${active.id} is still ${active.state}, and this job forbids concurrent runs; cancel it or wait.`,
        );
      }
    }
    const run = await this.runtime.startRun(job, {
      trigger: 'manual',
      runId: manualRunId(job.metadata.name ?? ''),
      ...(parameters ? { parameters } : {}),
    });
    return this.view(run, job);
  }

  /** Runs of one job, newest first. */
  async list(actor: Actor, name: string, user?: string): Promise<RunView[]> {
    const job = await this.jobs.getObject(actor, name, user);
    const objectName = job.metadata.name ?? '';
    const runs = await this.runtime.listRuns(objectName);
    // One listing for the whole history: the panel polls this while runs are active.
    const owner = runs[0]?.owner;
    const stored = owner ? await this.artifacts.keys(artifactKeys.jobPrefix(owner, objectName)) : [];
    return runs.map((run) => {
      const prefix = artifactKeys.runPrefix(run.owner, objectName, run.id);
      return toRunView(
        run,
        job,
        stored.filter((key) => key.startsWith(prefix)),
      );
    });
  }

  async get(actor: Actor, id: string, user?: string): Promise<RunView> {
    const { run, job } = await this.access(actor, id, user);
    return this.view(run, job);
  }

  /**
   * Cancels a queued or running run. Losing a race with the run's own
   * progress (the object changed, or went, under the cancel) is a 409 or a
   * 404 the caller can act on, not a server error.
   */
  async cancel(actor: Actor, id: string, user?: string): Promise<RunView> {
    const { job } = await this.access(actor, id, user);
    let cancelled: RunRecord;
    try {
      cancelled = await this.runtime.cancelRun(id);
    } catch (err) {
      if (err instanceof KubeConflictError) {
        throw new Conflict(`Run "${id}" changed while it was being cancelled; try again.`, { cause: err });
      }
      if (err instanceof KubeNotFoundError) throw new NotFound(`Run "${id}" not found.`, { cause: err });
      throw err;
    }
    return this.view(cancelled, job);
  }

  /**
   * The stored log as a stream from the artifact store, never whole in
   * memory (logs reach the object size limit); empty while a run has not
   * uploaded one yet.
   */
  async log(actor: Actor, id: string, user?: string): Promise<RunDocument> {
    const { run } = await this.access(actor, id, user);
    const found = await this.artifacts.get(
      artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, 'log.txt'),
    );
    return { runId: run.id, sizeBytes: found?.info.sizeBytes ?? 0, body: found?.body ?? new Uint8Array() };
  }

  /**
   * The log as it grows: the runtime's live stream when it has one, else
   * (or when the live stream gave nothing) the stored log once the run has
   * finished. Ends with the final state.
   * Access is checked before this resolves, so a 404 is still an answer
   * rather than a broken stream.
   */
  async follow(
    actor: Actor,
    id: string,
    signal: AbortSignal,
    user?: string,
  ): Promise<AsyncGenerator<LogEvent>> {
    const { run } = await this.access(actor, id, user);
    return this.followRun(run, id, signal);
  }

  private async *followRun(first: RunRecord, id: string, signal: AbortSignal): AsyncGenerator<LogEvent> {
    let run = first;
    if (!isTerminal(run.state)) {
      const live = this.runtime.followLog?.(id, signal);
      if (live) {
        let streamed = false;
        for await (const text of live) {
          if (signal.aborted) return;
          streamed = true;
          yield { text };
        }
        // Nothing came live (the pod never ran, or its log could not be read): the stored log, once written.
        if (!streamed) {
          while (!isTerminal(run.state) && !signal.aborted) {
            await sleep(POLL_MS, signal);
            run = (await this.runtime.getRun(id)) ?? run;
          }
          if (signal.aborted) return;
          yield* this.storedLog(run, signal);
        }
      } else {
        while (!isTerminal(run.state)) {
          await sleep(POLL_MS, signal);
          if (signal.aborted) return;
          run = (await this.runtime.getRun(id)) ?? run;
        }
        yield* this.storedLog(run, signal);
      }
      while (!isTerminal(run.state) && !signal.aborted) {
        await sleep(POLL_MS / 4, signal);
        run = (await this.runtime.getRun(id)) ?? run;
      }
    } else {
      yield* this.storedLog(run, signal);
    }
    yield { end: run.state };
  }

  /**
   * The executed notebook (`ipynb`) or its HTML, made inert for the viewer
   * whatever was stored (outputs uploaded before uploads were cleaned
   * included): the notebook without trust marks, the HTML without
   * `http-equiv`. The notebook is read whole (it is parsed), the HTML streamed.
   */
  async output(actor: Actor, id: string, format: 'ipynb' | 'html', user?: string): Promise<RunDocument> {
    const { run } = await this.access(actor, id, user);
    const file: RunArtifactName = format === 'ipynb' ? 'output.ipynb' : 'output.html';
    const found = await this.artifacts.get(
      artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, file),
    );
    if (!found) {
      throw new NotFound(
        isTerminal(run.state)
          ? `Run ${id} has no ${format} output (it ended ${run.state}).`
          : `Run ${id} is ${run.state}; its ${format} output is written when it finishes.`,
      );
    }
    if (format === 'html') {
      return { runId: run.id, sizeBytes: found.info.sizeBytes, body: inertHtml(found.body) };
    }
    let notebook: Buffer;
    try {
      notebook = await untrustedNotebook(found.body, found.info.sizeBytes);
    } catch (err) {
      // Stored before uploads were checked: the store holds something that is not a notebook.
      if (err instanceof InvalidInput) {
        throw new UpstreamFailed(`The stored output of run ${id} is not a notebook.`, { cause: err });
      }
      throw err;
    }
    return { runId: run.id, sizeBytes: notebook.length, body: notebook };
  }

  /**
   * The run and its job if `actor` may see it (and, when `user` is given,
   * it is that user's run: an admin acting for someone names them); NotFound otherwise.
   */
  private async access(
    actor: Actor,
    id: string,
    user?: string,
  ): Promise<{ run: RunRecord; job: NotebookJob | undefined }> {
    const run = await this.runtime.getRun(id);
    const visible =
      run && (actor.isAdmin || run.owner === actor.name) && (user === undefined || run.owner === user);
    if (!run || !visible) throw new NotFound(`Run "${id}" not found.`);
    const job = await this.runtime.definitions.get(run.jobObjectName).catch(() => undefined);
    return { run, job };
  }

  private async view(run: RunRecord, job: NotebookJob | undefined): Promise<RunView> {
    const stored = await this.artifacts.keys(artifactKeys.runPrefix(run.owner, run.jobObjectName, run.id));
    return toRunView(run, job, stored);
  }

  /** The stored log as text events, a read chunk at a time; characters split between chunks are kept whole. */
  private async *storedLog(run: RunRecord, signal: AbortSignal): AsyncGenerator<LogEvent> {
    const found = await this.artifacts.get(
      artifactKeys.runArtifact(run.owner, run.jobObjectName, run.id, 'log.txt'),
    );
    if (!found) return;
    const decoder = new StringDecoder('utf8');
    for await (const chunk of found.body) {
      if (signal.aborted) return;
      const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (text) yield { text };
    }
    const rest = decoder.end();
    if (rest) yield { text: rest };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
