import { describe, expect, it } from 'vitest';
import { gpuPlacementOf } from '../../environments/index.js';
import type { NotebookJob } from '../model.js';
import { JOB_ANNOTATIONS, JOB_LABELS } from '../naming.js';
import { ANNOTATIONS, LABELS } from '../../ownership/labels.js';
import { runJobManifest, runnerSecretManifest, type RunnerPodOptions } from './batch-manifests.js';

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
const GPU_TAINT = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' } as const;
const gpuTypes = {
  t4: {
    displayName: 'T4',
    nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4', 'cloud.google.com/gke-nodepool': 't4-pool' },
    tolerations: [GPU_TAINT],
  },
};
const options: RunnerPodOptions = {
  runnerApiUrl: 'http://hub-proxy/services/turing/',
  gpuPlacementFor: (type) => gpuPlacementOf({ gpuTypes }, type),
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

  it('requests GPUs on the GPU type’s nodes, tolerating their taints, and wires the runner script, run id and token', () => {
    expect(container?.resources?.limits).toEqual({
      cpu: '2',
      memory: '4Gi',
      'nvidia.com/gpu': '1',
      'ephemeral-storage': '10Gi',
    });
    // Every node label of the type, and exactly what a notebook server of that type gets.
    expect(pod?.nodeSelector).toEqual({
      'nvidia.com/gpu.product': 'Tesla-T4',
      'cloud.google.com/gke-nodepool': 't4-pool',
    });
    expect(pod?.tolerations).toEqual([GPU_TAINT]);
    expect({ nodeSelector: pod?.nodeSelector, tolerations: pod?.tolerations }).toEqual(
      gpuPlacementOf({ gpuTypes }, 't4'),
    );
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
    expect(cpu.spec?.template.spec?.tolerations).toBeUndefined();
    expect(cpu.metadata.annotations?.[JOB_ANNOTATIONS.parameters]).toBeUndefined();
  });

  it('mounts no home volume unless told to', () => {
    expect(pod?.volumes?.map((v) => v.name)).toEqual(['runner', 'scratch']);
    expect(container?.env?.map((e) => e.name)).not.toContain('JUPYTER_PATH');
    expect(pod?.securityContext?.fsGroupChangePolicy).toBeUndefined();
  });
});

describe('runJobManifest with the owner’s home volume', () => {
  const homeVolume = { claimNameTemplate: 'claim-{username}', mountPath: '/home/jovyan', readOnly: true };
  const owned = (ownerName: string): NotebookJob => ({
    ...job,
    metadata: { ...job.metadata, annotations: { [ANNOTATIONS.ownerName]: ownerName } },
  });
  const podOf = (j: NotebookJob, volume = homeVolume) =>
    runJobManifest(j, { id: 'r', trigger: 'manual' }, { ...options, homeVolume: volume }).spec?.template.spec;

  it('mounts claim-<safe slug of the owner> read-only at the home, and points JUPYTER_PATH at its kernelspecs', () => {
    const pod = podOf(owned('Alice.Smith@example.org'));
    const container = pod?.containers[0];
    expect(pod?.volumes).toContainEqual({
      name: 'home',
      persistentVolumeClaim: { claimName: 'claim-alice-smith-example-org---323a0b32', readOnly: true },
    });
    expect(container?.volumeMounts).toContainEqual({
      name: 'home',
      mountPath: '/home/jovyan',
      readOnly: true,
    });
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
    // HOME stays the writable scratch volume: Jupyter writes its runtime files there.
    expect(env).toMatchObject({ JUPYTER_PATH: '/home/jovyan/.local/share/jupyter', HOME: '/tmp' });
  });

  it('keeps the restricted profile: uid 1000, no privilege, read-only root', () => {
    const pod = podOf(owned('alice'));
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 100 });
    // Read-only: the kubelet changes no ownership, so nothing to tune.
    expect(pod?.securityContext?.fsGroupChangePolicy).toBeUndefined();
    expect(pod?.containers[0]?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('mounts it writable only when configured so, without chowning the whole home at every run', () => {
    const pod = podOf(owned('alice'), { ...homeVolume, readOnly: false, mountPath: '/home/user' });
    expect(pod?.volumes).toContainEqual({
      name: 'home',
      persistentVolumeClaim: { claimName: 'claim-alice' },
    });
    expect(pod?.containers[0]?.volumeMounts).toContainEqual({
      name: 'home',
      mountPath: '/home/user',
      readOnly: false,
    });
    expect(pod?.securityContext?.fsGroupChangePolicy).toBe('OnRootMismatch');
  });

  it('gives scheduled runs the same home as run-now ones', () => {
    const run = runJobManifest(
      owned('alice'),
      { id: 'r-s1', trigger: 'schedule' },
      { ...options, homeVolume },
    );
    expect(run.spec?.template.spec?.volumes).toContainEqual({
      name: 'home',
      persistentVolumeClaim: { claimName: 'claim-alice', readOnly: true },
    });
    expect(run.metadata.labels?.[JOB_LABELS.trigger]).toBe('schedule');
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
