import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { FAKE_NODES } from '../support/fake-nodes.js';

const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfigPath'));
const core = kc.makeApiClient(CoreV1Api);
const batch = kc.makeApiClient(BatchV1Api);
const namespace = `cp-${randomBytes(3).toString('hex')}`;

describe('real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)', () => {
  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace });
  });

  it('keeps the fake GPU nodes Ready with nvidia.com/gpu allocatable', async () => {
    const nodes = await core.listNode();
    for (const spec of FAKE_NODES) {
      const node = nodes.items.find((n) => n.metadata?.name === spec.name);
      expect(node, spec.name).toBeDefined();
      expect(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(node?.status?.allocatable?.['nvidia.com/gpu']).toBe(
        spec.gpus > 0 ? String(spec.gpus) : undefined,
      );
    }
  });

  it('enforces RBAC: an unknown user may not list pods', async () => {
    const review = await kc
      .makeApiClient((await import('@kubernetes/client-node')).AuthorizationV1Api)
      .createSubjectAccessReview({
        body: {
          spec: { user: 'someone', resourceAttributes: { namespace, verb: 'list', resource: 'pods' } },
        },
      });
    expect(review.status?.allowed).toBe(false);
  });

  it('runs a CronJob every minute: the controller creates a Job and kwok completes its pod', async () => {
    const started = Date.now();
    await batch.createNamespacedCronJob({
      namespace,
      body: {
        metadata: { name: 'every-minute' },
        spec: {
          schedule: '* * * * *',
          jobTemplate: {
            spec: {
              backoffLimit: 0,
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [{ name: 'main', image: 'busybox:1.36', command: ['true'] }],
                },
              },
            },
          },
        },
      },
    });
    const jobName = await eventually(
      'a Job from the CronJob',
      75_000,
      async () => {
        const jobs = await batch.listNamespacedJob({ namespace });
        return jobs.items[0]?.metadata?.name;
      },
      500,
    );
    const jobCreatedAfter = Date.now() - started;
    const condition = await eventually(
      'the Job to complete',
      60_000,
      async () => {
        const job = await batch.readNamespacedJob({ name: jobName, namespace });
        return job.status?.conditions?.find((c) => c.type === 'Complete' && c.status === 'True');
      },
      500,
    );
    expect(condition.type).toBe('Complete');
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` });
    expect(pods.items[0]?.status?.phase).toBe('Succeeded');
    expect(pods.items[0]?.spec?.nodeName).toMatch(/^kwok-/);
    console.log(
      `[control-plane] CronJob -> Job after ${jobCreatedAfter} ms, Complete after ${Date.now() - started} ms`,
    );
  });
});
