import type { Actor } from '../ownership/ownership.js';
import { definitionIndexOf, ownedJobsOf } from './owned-jobs.js';
import type { Catalog } from '../environments/index.js';
import { Conflict, InvalidInput, NotFound, TooLarge, type FieldError } from '../errors/index.js';
import type { Page } from '../http/pagination.js';
import { KubeNotFoundError } from '../k8s/index.js';
import type { CreateJobBody, JobView, PatchJobBody } from './schemas.js';
import {
  NOTEBOOK_JOB_API_VERSION,
  NOTEBOOK_JOB_KIND,
  type JobRuntime,
  type NotebookInput,
  type NotebookJob,
} from './model.js';
import type { ArtifactStore } from '../artifacts/index.js';
import { artifactKeys, JOB_LABELS, jobObjectName } from './naming.js';
import { kernelName, notebookDigest, notebookErrors, stripNotebook, type NotebookJson } from './notebook.js';
import type { Logger } from '../observability/logger.js';
import { ownerOf, toJobView } from './views.js';
import {
  dependencyErrors,
  resolveEnvironment,
  scheduleFieldErrors,
  webhookErrors,
  type WebhookCheck,
} from './validation.js';
import { OwnedObjects, type OwnedObjectIndex } from '../ownership/owned-objects.js';
import { jobLimitsSchema } from './limits-config.js';
import { JobUsageLimits } from './usage-limits.js';

/** Settings of {@link JobsService}. */
export interface JobsServiceOptions {
  runtime: JobRuntime;
  artifacts: ArtifactStore;
  catalog: Catalog;
  checkWebhook: WebhookCheck;
  /** Largest stripped notebook accepted as an input snapshot. */
  maxNotebookBytes: number;
  defaultHistoryLimit: number;
  /** Per-user limits (jobs, parameters, runs, GPUs); default: the default limits, GPUs unchecked. */
  limits?: JobUsageLimits;
  logger: Logger;
}

/**
 * How long a create or delete waits for the runtime's cache to show it, so
 * that the caller's next listing (served from the cache) agrees. The watch
 * takes milliseconds; a cache that is behind delays the answer this much at most.
 */
const OBSERVE_OWN_WRITE_MS = 2000;

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function throwIfAny(errors: FieldError[]): void {
  if (errors.length > 0) throw new InvalidInput(errors, errors.map((e) => e.message).join(' '));
}

/**
 * Job definitions: create, read, edit and delete NotebookJobs for their
 * owner, through {@link OwnedObjects} so a user only ever reaches their own.
 * Every check runs before anything is written, and a failed write removes the
 * snapshot it stored, so nothing half-created is left behind.
 */
export class JobsService {
  readonly objects: OwnedObjects<NotebookJob>;
  /** What one user may consume; run-now (runs.ts) checks it too. */
  readonly limits: JobUsageLimits;
  private readonly index: OwnedObjectIndex<NotebookJob> | undefined;

  constructor(private readonly options: JobsServiceOptions) {
    this.index = definitionIndexOf(options.runtime);
    this.objects = new OwnedObjects<NotebookJob>(options.runtime.definitions, 'Job', this.index);
    this.limits =
      options.limits ?? new JobUsageLimits({ limits: jobLimitsSchema.parse({}), runtime: options.runtime });
  }

  /** The object name of `name` for its owner (the caller, or `user` for admins). */
  objectName(actor: Actor, name: string, user?: string): string {
    return jobObjectName(user ?? actor.name, name);
  }

  async list(
    actor: Actor,
    query: { limit?: number; continue?: string; user?: string },
  ): Promise<Page<JobView>> {
    const page = await this.objects.list(actor, {
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.continue !== undefined ? { continue: query.continue } : {}),
      ...(query.user !== undefined ? { owner: query.user } : {}),
    });
    const items = await Promise.all(page.items.map((job) => this.view(job)));
    return page.continue ? { items, continue: page.continue } : { items };
  }

  async get(actor: Actor, name: string, user?: string): Promise<JobView> {
    return this.view(await this.getObject(actor, name, user));
  }

  /** The NotebookJob itself (404 for other users' jobs). */
  getObject(actor: Actor, name: string, user?: string): Promise<NotebookJob> {
    return this.objects.get(actor, this.objectName(actor, name, user)).catch((err: unknown) => {
      throw err instanceof NotFound ? notFound(name) : err;
    });
  }

  /**
   * Creates the job. The checks read the owner's jobs from the runtime's
   * cache where it has one (a dependency check reads the API server, see
   * {@link ownedJobs}), and the snapshot is stored while they run.
   * The API server's create is the once-only guard for the name (409 if
   * taken); nothing is read beforehand to ask. A refused or failed create
   * removes the snapshot it stored, unless the job of that name uses it.
   */
  async create(actor: Actor, body: CreateJobBody): Promise<JobView> {
    const objectName = jobObjectName(actor.name, body.name);
    const env = resolveEnvironment(this.options.catalog, body.environment, body.resources);
    const content = body.notebook.content as NotebookJson;
    const contentErrors = notebookErrors(content, 'body.notebook.content');
    // The write overlaps the checks below; its outcome is looked at only once they pass.
    const storing =
      contentErrors.length === 0
        ? settle(this.storeInput(actor.name, objectName, body.notebook.path, content))
        : undefined;
    let input: NotebookInput;
    try {
      // A refusal that rests on cached jobs (name taken, a limit reached) is confirmed against the
      // API server: the cache may still hold a job deleted a moment ago. Input errors need no second look.
      await this.checkCreate(actor, body, env, contentErrors, false).catch((err: unknown) => {
        if (err instanceof InvalidInput || body.dependsOn.length > 0) throw err;
        return this.checkCreate(actor, body, env, contentErrors, true);
      });
      throwIfAny(await webhookErrors(body.alerts, this.options.checkWebhook));
      if (!env.ok || !storing) return unreachable();
      input = unwrap(await storing);
    } catch (err) {
      const stored = storing ? await storing : undefined;
      if (stored?.ok) await this.dropSnapshotUnlessUsed(objectName, stored.value.inputKey);
      throw err;
    }
    const job: NotebookJob = {
      apiVersion: NOTEBOOK_JOB_API_VERSION,
      kind: NOTEBOOK_JOB_KIND,
      metadata: { name: objectName, labels: { [JOB_LABELS.jobName]: body.name } },
      spec: {
        jobName: body.name,
        notebook: input,
        environment: env.environment.id,
        image: env.environment.image,
        resources: env.resources,
        parameters: body.parameters,
        ...(body.schedule ? { schedule: body.schedule } : {}),
        suspend: body.suspend,
        retries: body.retries,
        timeoutSeconds: body.timeoutSeconds,
        concurrency: body.concurrency,
        dependsOn: body.dependsOn,
        alerts: body.alerts,
        outputs: body.outputs,
        ...(body.modelOutput ? { modelOutput: body.modelOutput } : {}),
        historyLimit: body.historyLimit ?? this.options.defaultHistoryLimit,
      },
    };
    let created: NotebookJob;
    try {
      created = await this.objects.create(actor, job);
    } catch (err) {
      await this.dropSnapshotUnlessUsed(objectName, input.inputKey);
      throw err instanceof Conflict ? duplicate(body.name) : err;
    }
    // The caller's next listing (served from the cache) shows the job: wait for the watch, briefly.
    await this.index?.observed?.(objectName, created.metadata.uid, OBSERVE_OWN_WRITE_MS);
    return this.view(created);
  }

  /**
   * The checks of a create but the webhooks', in the order their errors take
   * precedence; throws the first refusal. `consistent`: read the owner's
   * jobs from the API server (always so when there are dependencies).
   */
  private async checkCreate(
    actor: Actor,
    body: CreateJobBody,
    env: ReturnType<typeof resolveEnvironment>,
    contentErrors: FieldError[],
    consistent: boolean,
  ): Promise<void> {
    const owned = await this.ownedJobs(actor.name, consistent || body.dependsOn.length > 0);
    const graph = dependencyMap(owned);
    const errors = [
      ...(env.ok ? [] : env.errors),
      ...scheduleFieldErrors(body.schedule),
      ...contentErrors,
      ...dependencyErrors(body.name, body.dependsOn, graph),
    ];
    throwIfAny(errors);
    // A retried create that already landed must read 409, not "too many jobs".
    if (graph.has(body.name)) throw duplicate(body.name);
    // The owner's jobs were just listed for the dependencies: count those.
    this.limits.checkJobCount(graph.size);
    this.limits.checkParameters(body.parameters);
    if (env.ok) await this.limits.checkJobGpus(actor.name, env.resources.gpus);
    if (body.schedule) await this.limits.checkScheduledJobs(actor.name, owned);
  }

  async update(actor: Actor, name: string, patch: PatchJobBody, user?: string): Promise<JobView> {
    const current = await this.getObject(actor, name, user);
    const spec = current.spec;
    // Re-resolved only when touched, so a pause still works after the catalog dropped the environment.
    const env =
      patch.environment || patch.resources
        ? resolveEnvironment(this.options.catalog, patch.environment ?? spec.environment, {
            ...(patch.resources ?? {}),
          })
        : undefined;
    const content = patch.notebook?.content as NotebookJson | undefined;
    const graph = patch.dependsOn
      ? dependencyMap(await this.ownedJobs(ownerName(current, actor), true))
      : new Map<string, string[]>();
    const errors = [
      ...(env && !env.ok ? env.errors : []),
      ...scheduleFieldErrors(patch.schedule),
      ...(content ? notebookErrors(content, 'body.notebook.content') : []),
      ...(patch.dependsOn ? dependencyErrors(spec.jobName, patch.dependsOn, graph) : []),
    ];
    throwIfAny(errors);
    this.limits.checkParameters(patch.parameters);
    if (env?.ok) await this.limits.checkJobGpus(ownerName(current, actor), env.resources.gpus);
    if (patch.schedule && !spec.schedule) await this.limits.checkScheduledJobs(ownerName(current, actor));
    if (patch.alerts) throwIfAny(await webhookErrors(patch.alerts, this.options.checkWebhook));

    const owner = ownerName(current, actor);
    const input =
      patch.notebook && content
        ? await this.storeInput(owner, current.metadata.name ?? '', patch.notebook.path, content)
        : undefined;
    try {
      const updated = await this.objects.update(actor, current.metadata.name ?? '', (draft) => {
        const s = draft.spec;
        if (input) s.notebook = input;
        if (env?.ok) {
          s.environment = env.environment.id;
          s.image = env.environment.image;
          s.resources = env.resources;
        }
        if (patch.schedule === null) delete s.schedule;
        else if (patch.schedule) s.schedule = patch.schedule;
        if (patch.parameters) s.parameters = patch.parameters;
        if (patch.suspend !== undefined) s.suspend = patch.suspend;
        if (patch.retries !== undefined) s.retries = patch.retries;
        if (patch.timeoutSeconds !== undefined) s.timeoutSeconds = patch.timeoutSeconds;
        if (patch.concurrency) s.concurrency = patch.concurrency;
        if (patch.dependsOn) s.dependsOn = patch.dependsOn;
        if (patch.alerts) s.alerts = patch.alerts;
        if (patch.outputs) s.outputs = patch.outputs;
        if (patch.historyLimit !== undefined) s.historyLimit = patch.historyLimit;
        if (patch.modelOutput === null) delete s.modelOutput;
        else if (patch.modelOutput) s.modelOutput = patch.modelOutput;
      });
      if (input && input.inputKey !== spec.notebook.inputKey) {
        await this.options.artifacts.delete(spec.notebook.inputKey).catch(() => undefined);
      }
      return await this.view(updated);
    } catch (err) {
      if (input && input.inputKey !== spec.notebook.inputKey) {
        await this.dropSnapshotUnlessUsed(current.metadata.name ?? '', input.inputKey);
      }
      throw err;
    }
  }

  /** Deletes the job, its runs and every artifact under it. */
  async delete(actor: Actor, name: string, user?: string): Promise<void> {
    const job = await this.getObject(actor, name, user);
    const objectName = job.metadata.name ?? '';
    await this.objects.delete(actor, objectName);
    await this.index?.observed?.(objectName, undefined, OBSERVE_OWN_WRITE_MS);
    const { runtime, artifacts, logger } = this.options;
    try {
      for (const run of await runtime.listRuns(objectName)) await runtime.deleteRun(run.id);
      await artifacts.deletePrefix(artifactKeys.jobPrefix(ownerName(job, actor), objectName));
    } catch (err) {
      // The definition is gone; leftovers are retried by nobody, so say so loudly.
      logger.error({ err, job: objectName }, 'job deleted, but cleaning up its runs or artifacts failed');
    }
  }

  /** The API view, with the newest run. */
  async view(job: NotebookJob): Promise<JobView> {
    const runs = await this.options.runtime.listRuns(job.metadata.name ?? '');
    return toJobView(job, runs[0]);
  }

  /**
   * Deletes a snapshot this request stored, unless the job's definition
   * points at it: snapshots are content-addressed, so a concurrent identical
   * create or edit that won stored the same key and still needs it. When the
   * definition cannot be read (the API server went away, perhaps after
   * storing the write whose answer was lost), the snapshot stays: an unused
   * one costs bytes, a missing one breaks the job.
   */
  private async dropSnapshotUnlessUsed(objectName: string, inputKey: string): Promise<void> {
    let stored: NotebookJob | undefined;
    try {
      stored = await this.options.runtime.definitions.get(objectName);
    } catch (err) {
      if (!(err instanceof KubeNotFoundError)) return;
    }
    if (stored?.spec.notebook.inputKey === inputKey) return;
    await this.options.artifacts.delete(inputKey).catch(() => undefined);
  }

  /**
   * The owner's jobs: from the runtime's cache, or (`consistent`) read from
   * the API server. Dependencies are always checked consistently: one the
   * cache has not seen yet (created a moment ago, perhaps through another
   * replica) must not read "no such job", nor a cycle closed by a moment-old
   * edit go unseen.
   */
  private ownedJobs(owner: string, consistent: boolean): Promise<NotebookJob[]> {
    return ownedJobsOf(this.options.runtime, owner, { consistent });
  }

  private async storeInput(
    owner: string,
    objectName: string,
    path: string,
    content: NotebookJson,
  ): Promise<NotebookInput> {
    const stripped = stripNotebook(content);
    const bytes = Buffer.from(JSON.stringify(stripped, null, 1));
    if (bytes.length > this.options.maxNotebookBytes) {
      throw new TooLarge(
        `The notebook is ${mib(bytes.length)} without outputs; the limit is ${mib(this.options.maxNotebookBytes)}.`,
      );
    }
    const digest = notebookDigest(stripped);
    const inputKey = artifactKeys.input(owner, objectName, digest);
    await this.options.artifacts.put(inputKey, bytes, { contentType: 'application/x-ipynb+json' });
    return {
      path,
      inputKey,
      digest,
      sizeBytes: bytes.length,
      updatedAt: new Date().toISOString(),
      kernel: kernelName(stripped) ?? 'python3',
    };
  }
}

/** job name -> its dependsOn, for the jobs of one owner. */
function dependencyMap(jobs: NotebookJob[]): Map<string, string[]> {
  return new Map(jobs.map((job) => [job.spec.jobName, job.spec.dependsOn]));
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so it may wait unobserved while other work throws. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

function ownerName(job: NotebookJob, fallback: Actor): string {
  return ownerOf(job) || fallback.name;
}

function notFound(name: string): NotFound {
  return new NotFound(`Job "${name}" not found.`);
}

function duplicate(name: string): Conflict {
  return new Conflict(`You already have a job named "${name}"; choose another name or edit that job.`);
}

function unreachable(): never {
  throw new Error('unreachable');
}
