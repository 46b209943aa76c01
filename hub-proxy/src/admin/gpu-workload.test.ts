import { describe, expect, it } from 'vitest';
import { classifyGpuWorkload, type WorkloadPod } from './gpu-workload.js';

function pod(labels: Record<string, string>, annotations: Record<string, string> = {}): WorkloadPod {
  return { metadata: { name: 'p', namespace: 'ns', labels, annotations } };
}

describe('classifyGpuWorkload', () => {
  it('takes a KubeSpawner server pod for a notebook server of the user in its username annotation', () => {
    const server = pod(
      { component: 'singleuser-server', 'hub.jupyter.org/username': 'alice-2eb' },
      { 'hub.jupyter.org/username': 'alice.b' },
    );
    expect(classifyGpuWorkload(server)).toEqual({ kind: 'server', user: 'alice.b' });
  });

  it('falls back to the username label of a server pod without the annotation', () => {
    const server = pod({ component: 'singleuser-server', 'hub.jupyter.org/username': 'bob' });
    expect(classifyGpuWorkload(server)).toEqual({ kind: 'server', user: 'bob' });
  });

  it('takes a pod of a NotebookJob run for a job run of its Turing owner', () => {
    const run = pod(
      { 'turing.dev/notebookjob': 'alice-daily', 'turing.dev/owner': 'alice---1a2b3c4d' },
      { 'turing.dev/owner-name': 'Alice@Example' },
    );
    expect(classifyGpuWorkload(run)).toEqual({ kind: 'jobRun', user: 'Alice@Example' });
  });

  it('takes a serving pod for a model replica, with the owner label when the name annotation is missing', () => {
    const replica = pod({
      'app.kubernetes.io/component': 'model-server',
      'turing.dev/model': 'ctr',
      'turing.dev/owner': 'bob',
    });
    expect(classifyGpuWorkload(replica)).toEqual({ kind: 'modelReplica', user: 'bob' });
  });

  it('does not take a pod with only a model label for a model replica', () => {
    expect(classifyGpuWorkload(pod({ 'turing.dev/model': 'ctr' }))).toEqual({ kind: 'other' });
  });

  it('calls an unlabelled pod other, without a user', () => {
    expect(classifyGpuWorkload({ metadata: { name: 'x' } })).toEqual({ kind: 'other' });
    expect(classifyGpuWorkload(pod({ app: 'training' }))).toEqual({ kind: 'other' });
  });

  it('keeps the Turing owner of an other pod', () => {
    expect(classifyGpuWorkload(pod({ 'turing.dev/owner': 'carol' }))).toEqual({
      kind: 'other',
      user: 'carol',
    });
  });
});
