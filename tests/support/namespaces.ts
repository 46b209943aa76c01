import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** Creates a namespace with the restricted Pod Security profile enforced. */
export async function createNamespace(kubeconfigPath: string, name: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  await kc.makeApiClient(CoreV1Api).createNamespace({
    body: { metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  });
}
