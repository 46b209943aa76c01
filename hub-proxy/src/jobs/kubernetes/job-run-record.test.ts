import type { V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { ANNOTATIONS } from '../../ownership/labels.js';
import {
  formatMarkers,
  isRecordedRun,
  newestFirst,
  parseMarkers,
  runRecordFromJob,
  runStateOf,
} from './job-run-record.js';

/** A Job as the informer caches it: plain JSON, so timestamps are strings where the types say Date. */
function job(
  status: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
  labels: Record<string, string> = {},
): V1Job {
  return JSON.parse(
    JSON.stringify({
      metadata: {
        name: 'daily-ctr-0a1b2c-m00000001',
        creationTimestamp: '2026-11-28T10:00:00Z',
        labels: { [JOB_LABELS.job]: 'daily-ctr-0a1b2c', [JOB_LABELS.jobName]: 'daily-ctr', ...labels },
        annotations: { [ANNOTATIONS.ownerName]: 'alice', ...annotations },
      },
      status,
    }),
  ) as V1Job;
}
const condition = (type: string, reason?: string, message?: string) => ({
  type,
  status: 'True',
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
  lastTransitionTime: '2026-11-28T10:05:00Z',
});

describe('runStateOf', () => {
  it('reads queued, running, succeeded, failed and timed_out from status', () => {
    expect(runStateOf(job())).toBe('queued');
    expect(runStateOf(job({ active: 1 }))).toBe('running');
    expect(runStateOf(job({ startTime: '2026-11-28T10:00:01Z' }))).toBe('running');
    expect(runStateOf(job({ conditions: [condition('Complete')] }))).toBe('succeeded');
    expect(runStateOf(job({ conditions: [condition('Failed', 'BackoffLimitExceeded')] }))).toBe('failed');
    expect(runStateOf(job({ conditions: [condition('Failed', 'DeadlineExceeded')] }))).toBe('timed_out');
  });

  it('reports a cancelled run as cancelled before and after its deadline failure, but keeps a success', () => {
    const cancelled = { [JOB_ANNOTATIONS.cancelled]: '2026-11-28T10:02:00Z' };
    expect(runStateOf(job({ active: 1 }, cancelled))).toBe('cancelled');
    expect(runStateOf(job({ conditions: [condition('Failed', 'DeadlineExceeded')] }, cancelled))).toBe(
      'cancelled',
    );
    expect(runStateOf(job({ conditions: [condition('Complete')] }, cancelled))).toBe('succeeded');
  });

  it('reports a run hub-proxy failed (e.g. its home claim is missing) as failed with that reason, not timed out', () => {
    const reason =
      'The run needs alice\'s home volume, PersistentVolumeClaim "claim-alice", which does not exist.';
    const failing = { [JOB_ANNOTATIONS.failure]: reason };
    // Until the 1-second deadline fails the Job, it is still waiting.
    expect(runStateOf(job({}, failing))).toBe('queued');
    const failed = runRecordFromJob(
      job(
        {
          conditions: [
            condition('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'),
          ],
        },
        failing,
      ),
    );
    expect(failed).toMatchObject({ state: 'failed', reason, finishedAt: '2026-11-28T10:05:00Z' });
    expect(runStateOf(job({ conditions: [condition('Complete')] }, failing))).toBe('succeeded');
  });
});

describe('runRecordFromJob', () => {
  it('builds the record from labels, annotations and status', () => {
    const record = runRecordFromJob(
      job(
        {
          failed: 1,
          succeeded: 1,
          startTime: '2026-11-28T10:00:01Z',
          completionTime: '2026-11-28T10:04:00Z',
          conditions: [condition('Complete')],
        },
        {
          [JOB_ANNOTATIONS.progress]: '{"cell":3,"cells":3}',
          [JOB_ANNOTATIONS.markers]: 'recorded,alerts',
          [JOB_ANNOTATIONS.parameters]: '{"n":2}',
          [JOB_ANNOTATIONS.triggeredBy]: 'up-1',
        },
        { [JOB_LABELS.trigger]: 'dependency' },
      ),
    );
    expect(record).toEqual({
      id: 'daily-ctr-0a1b2c-m00000001',
      jobObjectName: 'daily-ctr-0a1b2c',
      job: 'daily-ctr',
      owner: 'alice',
      state: 'succeeded',
      trigger: 'dependency',
      triggeredBy: 'up-1',
      parameters: { n: 2 },
      attempt: 2,
      progress: { cell: 3, cells: 3 },
      createdAt: '2026-11-28T10:00:00Z',
      startedAt: '2026-11-28T10:00:01Z',
      finishedAt: '2026-11-28T10:04:00Z',
      markers: ['alerts', 'recorded'],
    });
  });

  it('treats Jobs without a trigger label as scheduled and takes the reason from the Failed condition', () => {
    const record = runRecordFromJob(
      job({
        failed: 3,
        conditions: [
          condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
      }),
    );
    expect(record).toMatchObject({
      trigger: 'schedule',
      state: 'failed',
      attempt: 3,
      reason: 'Job has reached the specified backoff limit',
      finishedAt: '2026-11-28T10:05:00Z',
    });
  });

  it('accepts typed objects with Date timestamps and ignores malformed annotations', () => {
    const typed = job({}, { [JOB_ANNOTATIONS.progress]: 'not json', [JOB_ANNOTATIONS.parameters]: '[1]' });
    const record = runRecordFromJob({
      ...typed,
      metadata: { ...typed.metadata, creationTimestamp: new Date('2026-11-28T10:00:00Z') },
    });
    expect(record.createdAt).toBe('2026-11-28T10:00:00.000Z');
    expect(record.progress).toBeUndefined();
    expect(record.parameters).toBeUndefined();
    expect(record.attempt).toBe(1);
  });

  it('reads the published model version or error, and ignores an outcome of another shape', () => {
    const withOutcome = (value: string) =>
      runRecordFromJob(job({}, { [JOB_ANNOTATIONS.modelOutput]: value })).modelOutput;
    expect(withOutcome('{"model":"ctr","version":3}')).toEqual({ model: 'ctr', version: 3 });
    expect(withOutcome('{"model":"ctr","error":"not a model"}')).toEqual({
      model: 'ctr',
      error: 'not a model',
    });
    expect(withOutcome('{"model":"ctr","version":1.5}')).toBeUndefined();
    expect(withOutcome('{"version":3}')).toBeUndefined();
    expect(withOutcome('oops')).toBeUndefined();
    expect(runRecordFromJob(job()).modelOutput).toBeUndefined();
  });

  it('refuses a Job that is not a NotebookJob run', () => {
    expect(() => runRecordFromJob({ metadata: { name: 'other' } })).toThrow(/not a NotebookJob run/);
  });
});

describe('run creation time', () => {
  it('orders runs created within one second by the millisecond annotation', () => {
    const early = runRecordFromJob(job({}, { [JOB_ANNOTATIONS.createdAt]: '2026-11-28T10:00:00.120Z' }));
    const lateJob = job({}, { [JOB_ANNOTATIONS.createdAt]: '2026-11-28T10:00:00.870Z' });
    lateJob.metadata = { ...lateJob.metadata, name: 'daily-ctr-0a1b2c-m00000000' };
    const late = runRecordFromJob(lateJob);
    expect(early.createdAt).toBe('2026-11-28T10:00:00.120Z');
    // The later run's id sorts lower, so only the annotation can put it first.
    expect([early, late].sort(newestFirst).map((r) => r.createdAt)).toEqual([
      '2026-11-28T10:00:00.870Z',
      '2026-11-28T10:00:00.120Z',
    ]);
  });

  it('ignores an annotation far from the creationTimestamp or unparseable', () => {
    expect(runRecordFromJob(job({}, { [JOB_ANNOTATIONS.createdAt]: '2020-01-01T00:00:00Z' })).createdAt).toBe(
      '2026-11-28T10:00:00Z',
    );
    expect(runRecordFromJob(job({}, { [JOB_ANNOTATIONS.createdAt]: 'yesterday' })).createdAt).toBe(
      '2026-11-28T10:00:00Z',
    );
  });
});

describe('markers and ordering', () => {
  it('parses and formats markers in a stable order, dropping unknown words', () => {
    expect(parseMarkers('recorded, bogus,alerts')).toEqual(['alerts', 'recorded']);
    expect(formatMarkers(['recorded', 'dependents'])).toBe('dependents,recorded');
    expect(parseMarkers('recorded,model-output')).toEqual(['model-output', 'recorded']);
    expect(parseMarkers(undefined)).toEqual([]);
  });

  it('tells a recorded run from its annotation alone, exactly as parseMarkers reads it', () => {
    const values = [
      'recorded',
      'alerts,dependents,recorded',
      ' recorded , alerts',
      'alerts, recorded',
      'unrecorded',
      'recorded-later',
      'alerts,dependents',
      '',
      undefined,
    ];
    for (const value of values) {
      const job: V1Job = {
        metadata: { annotations: value === undefined ? {} : { [JOB_ANNOTATIONS.markers]: value } },
      };
      expect(isRecordedRun(job), String(value)).toBe(parseMarkers(value).includes('recorded'));
    }
    expect(
      isRecordedRun({ metadata: { annotations: { [JOB_ANNOTATIONS.markers]: 'alerts,recorded' } } }),
    ).toBe(true);
    expect(isRecordedRun({})).toBe(false);
  });

  it('sorts newest first, by time across formats, then by id', () => {
    const at = (id: string, createdAt: string) => ({ ...runRecordFromJob(job()), id, createdAt });
    const sorted = [
      at('a', '2026-11-28T10:00:00Z'),
      at('b', '2026-11-28T10:00:01.000Z'),
      at('c', '2026-11-28T10:00:00Z'),
    ].sort(newestFirst);
    expect(sorted.map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });
});
