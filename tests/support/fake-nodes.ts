import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';

/** Fake nodes kwok keeps alive: one CPU node and two GPU types. */
export const FAKE_NODES: Array<{ name: string; gpus: number; gpuProduct?: string }> = [
  { name: 'kwok-cpu-0', gpus: 0 },
  { name: 'kwok-gpu-a100-0', gpus: 4, gpuProduct: 'NVIDIA-A100-SXM4-80GB' },
  { name: 'kwok-gpu-t4-0', gpus: 2, gpuProduct: 'Tesla-T4' },
];

function fakeNode(spec: (typeof FAKE_NODES)[number]): V1Node {
  // Real kubelets report ephemeral-storage, and run pods request some.
  const resources: Record<string, string> = {
    cpu: '32',
    memory: '128Gi',
    pods: '110',
    'ephemeral-storage': '500Gi',
  };
  if (spec.gpus > 0) resources['nvidia.com/gpu'] = String(spec.gpus);
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    type: 'kwok',
  };
  if (spec.gpuProduct) labels['nvidia.com/gpu.product'] = spec.gpuProduct;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.name, labels, annotations: { 'kwok.x-k8s.io/node': 'fake' } },
    status: { capacity: resources, allocatable: resources },
  };
}

/** Registers the fake nodes and waits until kwok reports them Ready. */
export async function createFakeNodes(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  for (const spec of FAKE_NODES) await core.createNode({ body: fakeNode(spec) });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (ready.length === FAKE_NODES.length) return;
    if (Date.now() > deadline) throw new Error(`kwok made ${ready.length}/${FAKE_NODES.length} nodes Ready`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
