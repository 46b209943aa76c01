import { describe, expect, it } from 'vitest';
import type { NotebookJob } from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { ANNOTATIONS, LABELS } from '../../ownership/labels.js';
import {
  cronJobManifest,
  runJobManifest,
  runnerSecretManifest,
  type RunnerPodOptions,
} from './batch-manifests.js';

const job: NotebookJob = {
  apiVersion: 'turing.dev/v1alpha1',
  kind: 'NotebookJob',
  metadata: {
    name: 'daily-ctr-0a1b2c',
    uid: 'uid-1',
    labels: { [LABELS.owner]: 'alice', team: 'ads' },
    annotations: { [ANNOTATIONS.ownerName]: 'alice' },
  },
  spec: {
    jobName: 'daily-ctr',
    notebook: {
      path: 'ctr.ipynb',
      inputKey: 'k',
      digest: 'd',
      sizeBytes: 1,
      updatedAt: 't',
      kernel: 'python3',
    },
    environment: 'gpu',
    image: 'registry/gpu:1',
    resources: { cpu: '2', memory: '4Gi', gpus: 1, gpuType: 't4' },
    parameters: {},
    schedule: { cron: '0 2 * * *', timezone: 'Asia/Shanghai' },
    suspend: true,
    retries: 3,
    timeoutSeconds: 900,
    concurrency: 'replace',
    dependsOn: [],
    alerts: [],
    outputs: ['ipynb'],
    historyLimit: 7,
  },
};
const options: RunnerPodOptions = {
  runnerApiUrl: 'http://hub-proxy/services/turing/',
  gpuProductFor: (type) => (type === 't4' ? 'Tesla-T4' : undefined),
};

describe('runJobManifest', () => {
  const manifest = runJobManifest(
    job,
    { id: 'run-1', trigger: 'dependency', triggeredBy: 'up-1', parameters: { n: 2 } },
    options,
  );
  const pod = manifest.spec?.template.spec;
  const container = pod?.containers[0];

  it('maps retries to backoffLimit and the timeout to activeDeadlineSeconds, with no TTL', () => {
    expect(manifest.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 900 });
    expect(manifest.spec?.ttlSecondsAfterFinished).toBeUndefined();
    expect(pod?.restartPolicy).toBe('Never');
  });

  it('labels, annotates and owns the Job; pods get every NotebookJob label', () => {
    expect(manifest.metadata.labels).toEqual({
      [LABELS.owner]: 'alice',
      [JOB_LABELS.job]: 'daily-ctr-0a1b2c',
      [JOB_LABELS.jobName]: 'daily-ctr',
      [JOB_LABELS.trigger]: 'dependency',
    });
    expect(manifest.metadata.annotations).toMatchObject({
      [JOB_ANNOTATIONS.parameters]: '{"n":2}',
      [JOB_ANNOTATIONS.triggeredBy]: 'up-1',
    });
    expect(manifest.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'NotebookJob',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);
    expect(manifest.spec?.template.metadata?.labels).toMatchObject({
      team: 'ads',
      [JOB_LABELS.job]: 'daily-ctr-0a1b2c',
    });
  });

  it('follows the restricted Pod Security profile on pod and container, without an API token', () => {
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 100,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('requests GPUs on the matching product and wires the runner script, run id and token', () => {
    expect(container?.resources?.limits).toEqual({
      cpu: '2',
      memory: '4Gi',
      'nvidia.com/gpu': '1',
      'ephemeral-storage': '10Gi',
    });
    expect(pod?.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'Tesla-T4' });
    expect(container?.command).toEqual(['python', '/opt/turing/runner/turing_runner.py']);
    expect(pod?.volumes?.[0]?.configMap?.name).toBe('turing-runner');
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e]));
    expect(env.TURING_RUNNER_API?.value).toBe('http://hub-proxy/services/turing/');
    expect(env.TURING_RUN_ID?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.labels['batch.kubernetes.io/job-name']",
    );
    expect(env.TURING_RUN_TOKEN?.valueFrom?.secretKeyRef).toEqual({
      name: 'daily-ctr-0a1b2c-runner',
      key: 'token',
    });
  });

  it('requests 1Gi of ephemeral storage with a 10Gi limit by default, or what it is given', () => {
    expect(container?.resources?.requests?.['ephemeral-storage']).toBe('1Gi');
    expect(container?.resources?.limits?.['ephemeral-storage']).toBe('10Gi');
    const sized = runJobManifest(
      job,
      { id: 'r', trigger: 'manual' },
      {
        ...options,
        ephemeralStorage: { request: '2Gi', limit: '20Gi' },
      },
    ).spec?.template.spec;
    expect(sized?.containers[0]?.resources).toMatchObject({
      requests: { 'ephemeral-storage': '2Gi' },
      limits: { 'ephemeral-storage': '20Gi' },
    });
    expect(sized?.volumes?.find((v) => v.name === 'scratch')?.emptyDir?.sizeLimit).toBe('20Gi');
  });

  it('keeps the root filesystem read-only and gives HOME, TMPDIR and papermill a size-limited scratch emptyDir', () => {
    expect(container?.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(pod?.volumes?.find((v) => v.name === 'scratch')).toEqual({
      name: 'scratch',
      emptyDir: { sizeLimit: '10Gi' },
    });
    expect(container?.volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/tmp' });
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
    // The runner makes papermill's working directory with tempfile, i.e. under TMPDIR.
    expect(env).toMatchObject({ HOME: '/tmp', TMPDIR: '/tmp' });
    // Every other mount is read-only.
    for (const mount of container?.volumeMounts ?? []) {
      if (mount.name !== 'scratch') expect(mount.readOnly, mount.name).toBe(true);
    }
  });

  it('has no GPU request or node selector for a CPU job', () => {
    const cpu = runJobManifest(
      { ...job, spec: { ...job.spec, resources: { cpu: '1', memory: '1Gi', gpus: 0 } } },
      { id: 'r', trigger: 'manual' },
      options,
    );
    expect(cpu.spec?.template.spec?.containers[0]?.resources?.limits).toEqual({
      cpu: '1',
      memory: '1Gi',
      'ephemeral-storage': '10Gi',
    });
    expect(cpu.spec?.template.spec?.nodeSelector).toBeUndefined();
    expect(cpu.metadata.annotations?.[JOB_ANNOTATIONS.parameters]).toBeUndefined();
  });
});

describe('cronJobManifest', () => {
  it('carries schedule, time zone, suspend, concurrency and history limits', () => {
    const cron = cronJobManifest(job, options);
    expect(cron.spec).toMatchObject({
      schedule: '0 2 * * *',
      timeZone: 'Asia/Shanghai',
      suspend: true,
      concurrencyPolicy: 'Replace',
      successfulJobsHistoryLimit: 7,
      failedJobsHistoryLimit: 7,
    });
    expect(cron.spec?.jobTemplate.metadata?.labels?.[JOB_LABELS.trigger]).toBe('schedule');
    expect(cron.spec?.jobTemplate.spec?.backoffLimit).toBe(3);
  });

  it('refuses a job without a schedule', () => {
    expect(() => cronJobManifest({ ...job, spec: { ...job.spec, schedule: undefined } }, options)).toThrow(
      /no schedule/,
    );
  });
});

describe('runnerSecretManifest', () => {
  it('stores the token base64-encoded under `token`, owned by the NotebookJob', () => {
    const secret = runnerSecretManifest(job, 'trt1.abc.def');
    expect(secret.metadata.name).toBe('daily-ctr-0a1b2c-runner');
    expect(Buffer.from(secret.data?.token ?? '', 'base64').toString()).toBe('trt1.abc.def');
    expect(secret.metadata.ownerReferences?.[0]?.uid).toBe('uid-1');
  });

  it('needs the NotebookJob uid for the owner reference', () => {
    expect(() =>
      runnerSecretManifest({ ...job, metadata: { ...job.metadata, uid: undefined } }, 't'),
    ).toThrow(/no uid/);
  });
});
