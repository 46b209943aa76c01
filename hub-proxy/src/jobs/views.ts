import type { JobView, RunView } from './schemas.js';
import { ScheduleDescriptions } from './schedule-descriptions.js';
import type { NotebookJob, RunRecord } from './model.js';
import { MODEL_OUTPUT_FOLDER, RUN_ARTIFACT_NAMES, type RunArtifactName } from './naming.js';
import { ANNOTATIONS } from '../ownership/labels.js';

/** The owner's raw hub name, as stamped on the object ('' if it lacks the annotation). */
export function ownerOf(job: Pick<NotebookJob, 'metadata'>): string {
  return job.metadata.annotations?.[ANNOTATIONS.ownerName] ?? '';
}

/** Shared by every job view of this process: lists describe each distinct schedule once a minute. */
const schedules = new ScheduleDescriptions();

/** A NotebookJob as the API shows it; `latest` is its newest run, if any. */
export function toJobView(job: NotebookJob, latest: RunRecord | undefined, now = new Date()): JobView {
  const spec = job.spec;
  let schedule: JobView['schedule'];
  if (spec.schedule) {
    try {
      const info = schedules.describe(spec.schedule.cron, spec.schedule.timezone, now);
      schedule = { ...info, nextRuns: spec.suspend ? [] : info.nextRuns };
    } catch {
      // Edited by hand into something invalid: show it, without next runs.
      schedule = { ...spec.schedule, description: 'invalid schedule', nextRuns: [] };
    }
  }
  const { inputKey: _inputKey, ...notebook } = spec.notebook;
  return {
    name: spec.jobName,
    owner: ownerOf(job),
    notebook,
    environment: spec.environment,
    image: spec.image,
    resources: spec.resources,
    parameters: spec.parameters as JobView['parameters'],
    ...(schedule ? { schedule } : {}),
    suspended: spec.suspend,
    retries: spec.retries,
    timeoutSeconds: spec.timeoutSeconds,
    concurrency: spec.concurrency,
    dependsOn: spec.dependsOn,
    alerts: spec.alerts,
    outputs: spec.outputs,
    historyLimit: spec.historyLimit,
    ...(spec.modelOutput ? { modelOutput: spec.modelOutput } : {}),
    state: spec.suspend ? 'paused' : spec.schedule ? 'scheduled' : 'on-demand',
    ...(latest
      ? {
          lastRun: {
            id: latest.id,
            state: latest.state,
            ...(latest.finishedAt ? { finishedAt: latest.finishedAt } : {}),
          },
        }
      : {}),
    alertDeliveries: job.status?.alerts ?? [],
    createdAt: job.metadata.creationTimestamp ?? '',
  };
}

/**
 * A run as the API shows it: effective parameters, the artifacts present
 * (keys directly under the run's prefix: a model output file named
 * `log.txt` is not the run's log) and what it published.
 */
export function toRunView(run: RunRecord, job: NotebookJob | undefined, artifactKeys: string[]): RunView {
  const present = new Set(
    artifactKeys
      .filter((key) => !key.includes(`/runs/${run.id}/${MODEL_OUTPUT_FOLDER}/`))
      .map((key) => key.slice(key.lastIndexOf('/') + 1)),
  );
  const artifacts = RUN_ARTIFACT_NAMES.filter((name: RunArtifactName) => present.has(name));
  const started = run.startedAt ? Date.parse(run.startedAt) : undefined;
  const finished = run.finishedAt ? Date.parse(run.finishedAt) : undefined;
  return {
    id: run.id,
    job: run.job,
    owner: run.owner,
    state: run.state,
    trigger: run.trigger,
    ...(run.triggeredBy ? { triggeredBy: run.triggeredBy } : {}),
    parameters: { ...job?.spec.parameters, ...run.parameters } as RunView['parameters'],
    attempt: run.attempt,
    ...(run.progress ? { progress: run.progress } : {}),
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(started !== undefined &&
    finished !== undefined &&
    Number.isFinite(started) &&
    Number.isFinite(finished)
      ? { durationSeconds: Math.max(0, (finished - started) / 1000) }
      : {}),
    ...(run.reason ? { reason: run.reason } : {}),
    artifacts,
    ...(run.modelOutput ? { modelOutput: run.modelOutput } : {}),
  };
}
