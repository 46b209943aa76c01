import type { V1CronJob, V1Job } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { NotebookJob } from '../model.js';
import { JOB_ANNOTATIONS } from '../naming.js';
import { ANNOTATIONS, LABELS } from '../../ownership/labels.js';
import {
  notebookJobOwnerReference,
  runJobManifest,
  runJobSpec,
  type RunnerPodOptions,
} from './batch-manifests.js';
import { trimCronJob, trimNotebookJob, trimRunJob } from './cache-trim.js';
import { runRecordFromJob } from './job-run-record.js';

const notebookJob: NotebookJob = {
  apiVersion: 'turing.dev/v1alpha1',
  kind: 'NotebookJob',
  metadata: {
    name: 'daily-ctr-0a1b2c3d4e5f6a7b8',
    uid: '5e0c3f43-7a4e-4a67-9d0a-0c1f3b1d2e11',
    labels: { [LABELS.owner]: 'alice' },
    annotations: { [ANNOTATIONS.ownerName]: 'alice' },
  },
  spec: {
    jobName: 'daily-ctr',
    notebook: {
      path: 'work/ctr.ipynb',
      inputKey: 'users/alice/jobs/daily-ctr-0a1b2c3d4e5f6a7b8/input/3f2a.ipynb',
      digest: 'sha256:3f2a',
      sizeBytes: 18_211,
      updatedAt: '2026-11-28T09:59:00.000Z',
      kernel: 'python3',
    },
    environment: 'tf-2.16-cuda12',
    image: 'registry.example/turing/tf:2.16-cuda12',
    resources: { cpu: '2', memory: '8Gi', gpus: 1, gpuType: 't4' },
    parameters: { date: '2026-11-28' },
    schedule: { cron: '0 2 * * *', timezone: 'Asia/Shanghai' },
    suspend: false,
    retries: 2,
    timeoutSeconds: 3600,
    concurrency: 'forbid',
    dependsOn: [],
    alerts: [],
    outputs: ['ipynb', 'html'],
    historyLimit: 20,
  },
};

const options: RunnerPodOptions = {
  runnerApiUrl: 'http://hub-proxy.turing.svc:8000/services/turing/',
  gpuPlacementFor: () => ({
    nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  }),
};

/** The server's field bookkeeping for `value`, shaped as managedFields' fieldsV1 is (`f:` per key). */
function fieldsV1Of(value: unknown): unknown {
  if (Array.isArray(value))
    return { '.': {}, ...Object.fromEntries(value.map((v, i) => [`k:${i}`, fieldsV1Of(v)])) };
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, fieldsV1Of(v)]));
  }
  return {};
}

/**
 * A run Job as a list or watch delivers it: the manifest hub-proxy creates,
 * plus what the API server adds (uid, managedFields for hub-proxy and the
 * Job controller, the selector and controller labels) and `status`.
 */
function servedJob(
  id: string,
  status: Record<string, unknown>,
  annotations: Record<string, string> = {},
): V1Job {
  const manifest = runJobManifest(
    notebookJob,
    { id, trigger: 'manual', parameters: { date: '2026-11-29' }, createdAt: '2026-11-28T10:00:00.123Z' },
    options,
  );
  const uid = `9b7c${id.slice(-4)}-1111-4222-8333-444455556666`;
  const controllerLabels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': id };
  const template = manifest.spec?.template;
  const job = {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      namespace: 'turing',
      uid,
      resourceVersion: '48213',
      generation: 1,
      creationTimestamp: '2026-11-28T10:00:00Z',
      annotations: { ...manifest.metadata.annotations, ...annotations },
      managedFields: [
        {
          manager: 'turing-hub-proxy',
          operation: 'Update',
          apiVersion: 'batch/v1',
          time: '2026-11-28T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: fieldsV1Of({ metadata: manifest.metadata, spec: manifest.spec }),
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'batch/v1',
          time: '2026-11-28T10:05:00Z',
          fieldsType: 'FieldsV1',
          subresource: 'status',
          fieldsV1: fieldsV1Of({ status }),
        },
      ],
    },
    spec: {
      ...manifest.spec,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: {
        ...template,
        metadata: { ...template?.metadata, labels: { ...template?.metadata?.labels, ...controllerLabels } },
      },
    },
    status,
  };
  // Plain JSON, as the informer caches it.
  return JSON.parse(JSON.stringify(job)) as V1Job;
}

const at = (minute: number) => `2026-11-28T10:0${minute}:00Z`;
const condition = (type: string, reason: string, message = '') => ({
  type,
  status: 'True',
  reason,
  message,
  lastProbeTime: at(5),
  lastTransitionTime: at(5),
});

const RUNS: Record<string, () => V1Job> = {
  running: () =>
    servedJob(
      'daily-ctr-0a1b2c3d4e5f6a7b8-m0001',
      { active: 1, ready: 1, startTime: at(0), terminating: 0, uncountedTerminatedPods: {} },
      { [JOB_ANNOTATIONS.progress]: JSON.stringify({ cell: 3, cells: 12 }) },
    ),
  succeeded: () =>
    servedJob(
      'daily-ctr-0a1b2c3d4e5f6a7b8-m0002',
      {
        succeeded: 1,
        startTime: at(0),
        completionTime: at(5),
        conditions: [
          condition('SuccessCriteriaMet', 'CompletionsReached'),
          condition('Complete', 'CompletionsReached'),
        ],
      },
      { [JOB_ANNOTATIONS.markers]: 'alerts,dependents,recorded' },
    ),
  failed: () =>
    servedJob('daily-ctr-0a1b2c3d4e5f6a7b8-m0003', {
      failed: 3,
      startTime: at(0),
      conditions: [
        condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
      ],
    }),
  cancelled: () =>
    servedJob(
      'daily-ctr-0a1b2c3d4e5f6a7b8-m0004',
      {
        failed: 1,
        startTime: at(0),
        conditions: [
          condition('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'),
        ],
      },
      { [JOB_ANNOTATIONS.cancelled]: '2026-11-28T10:04:30.000Z' },
    ),
};

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** A finished run's status as readers need it: times, counts, the terminal condition without its probe time. */
function finishedStatus(job: V1Job): V1Job['status'] {
  const { conditions = [], startTime, completionTime, succeeded, failed } = job.status ?? {};
  const terminal = conditions
    .filter((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')
    .map(({ lastProbeTime: _probe, ...kept }) => kept);
  return JSON.parse(
    JSON.stringify({ startTime, completionTime, succeeded, failed, conditions: terminal }),
  ) as V1Job['status'];
}

describe('trimRunJob', () => {
  for (const [state, make] of Object.entries(RUNS)) {
    it(`keeps everything a ${state} run's RunRecord is read from`, () => {
      const full = make();
      const expected = runRecordFromJob(full);
      expect(expected.state).toBe(state);
      const trimmed = trimRunJob(make());
      expect(runRecordFromJob(trimmed)).toEqual(expected);
      // What the controller's adoption of orphaned runs reads and patches against.
      expect(trimmed.metadata?.ownerReferences).toEqual(full.metadata?.ownerReferences);
      expect(trimmed.metadata?.resourceVersion).toBe(full.metadata?.resourceVersion);
      expect(trimmed.metadata?.labels).toEqual(full.metadata?.labels);
      expect(trimmed.metadata?.annotations).toEqual(full.metadata?.annotations);
      expect(trimmed.status).toEqual(state === 'running' ? full.status : finishedStatus(full));
    });
  }

  it('cuts a finished run to its metadata, deadline, backoff limit, times, counts and terminal condition', () => {
    const trimmed = trimRunJob(RUNS.failed?.() ?? ({} as V1Job));
    expect(Object.keys(trimmed.metadata ?? {}).sort()).toEqual([
      'annotations',
      'creationTimestamp',
      'labels',
      'name',
      'namespace',
      'ownerReferences',
      'resourceVersion',
      'uid',
    ]);
    expect(trimmed.spec).toEqual({ activeDeadlineSeconds: 3600, backoffLimit: 2 });
    expect(trimmed.status).toEqual({
      failed: 3,
      startTime: at(0),
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastTransitionTime: at(5),
        },
      ],
    });
  });

  it('keeps a running run whole apart from its template and bookkeeping', () => {
    const running = trimRunJob(RUNS.running?.() ?? ({} as V1Job));
    expect(running.metadata?.generation).toBe(1);
    expect(running.spec).toMatchObject({ suspend: false, completionMode: 'NonIndexed', backoffLimit: 2 });
  });

  it('makes a served run Job at least 4 times smaller as JSON', () => {
    for (const make of Object.values(RUNS)) {
      const full = make();
      const trimmed = trimRunJob(make());
      expect(bytes(full)).toBeGreaterThan(4 * bytes(trimmed));
    }
  });

  it('trims in place, returns the same object, and trimming twice changes nothing', () => {
    const job = RUNS.succeeded?.() ?? ({} as V1Job);
    expect(trimRunJob(job)).toBe(job);
    const once = JSON.stringify(job);
    expect(JSON.stringify(trimRunJob(job))).toBe(once);
    expect(job.metadata?.managedFields).toBeUndefined();
    expect(job.spec?.template).toBeUndefined();
    // The few scalar spec fields stay: a reader of the deadline or retries still finds them.
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
  });
});

describe('trimCronJob and trimNotebookJob', () => {
  it('keep of a legacy CronJob only the metadata its removal reads', () => {
    const cron: V1CronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: {
        name: 'daily',
        ownerReferences: [notebookJobOwnerReference(notebookJob)],
        managedFields: [{ manager: 'x', fieldsV1: fieldsV1Of(runJobSpec(notebookJob, 'schedule', options)) }],
      },
      spec: { schedule: '0 2 * * *', jobTemplate: { spec: runJobSpec(notebookJob, 'schedule', options) } },
      status: { lastScheduleTime: at(2) as never },
    };
    const before = bytes(cron);
    const trimmed = trimCronJob(cron);
    expect(trimmed).toBe(cron);
    expect(trimmed.spec).toBeUndefined();
    expect(trimmed.status).toBeUndefined();
    expect(trimmed.metadata?.managedFields).toBeUndefined();
    expect(trimmed.metadata?.ownerReferences?.[0]?.uid).toBe(notebookJob.metadata.uid);
    expect(before).toBeGreaterThan(5 * bytes(trimmed));
  });

  it("keep a NotebookJob's spec and status but not managed fields or kubectl's copy of the object", () => {
    const copy = JSON.stringify(notebookJob);
    const object = JSON.parse(copy) as NotebookJob & { metadata: { managedFields?: unknown[] } };
    object.metadata.managedFields = [{ manager: 'kubectl', fieldsV1: fieldsV1Of(notebookJob.spec) }];
    object.metadata.annotations = {
      ...object.metadata.annotations,
      'kubectl.kubernetes.io/last-applied-configuration': copy,
    };
    object.status = { observedGeneration: 1 };
    trimNotebookJob(object as never);
    expect(object.metadata.managedFields).toBeUndefined();
    expect(object.metadata.annotations).toEqual({ [ANNOTATIONS.ownerName]: 'alice' });
    expect(object.spec).toEqual(notebookJob.spec);
    expect(object.status).toEqual({ observedGeneration: 1 });
  });
});
