import {
  NetworkingV1Api,
  type V1LabelSelector,
  type V1NetworkPolicy,
  type V1Pod,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubernetesJobRuntime } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { HmacRunTokens } from '../../hub-proxy/src/jobs/run-token.js';
import { createKubeClients } from '../../hub-proxy/src/k8s/index.js';
import { installCrds } from '../support/crds.js';
import { eventually } from '../support/eventually.js';
import { hubProxyKubeconfig } from '../support/chart-service-account.js';
import { renderChart } from '../support/helm.js';
import { createNamespace } from '../support/namespaces.js';
import { notebookJobFixture } from '../support/notebook-job-fixtures.js';

const POLICY_TEMPLATE = 'templates/jobs/networkpolicy.yaml';
const kubeconfigPath = inject('kubeconfigPath');
const clients = createKubeClients({ kubeconfigPath, namespace: `runpods-${randomBytes(3).toString('hex')}` });
const { namespace } = clients;
const networking = clients.kubeConfig.makeApiClient(NetworkingV1Api);

/** A label selector as the `labelSelector` query parameter, so the apiserver evaluates it. */
function selectorQuery(selector: V1LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
    else parts.push(`${key} ${operator.toLowerCase()} (${values.join(',')})`);
  }
  return parts.join(',');
}

const podNamesMatching = async (selector: V1LabelSelector): Promise<string[]> =>
  (await clients.core.listNamespacedPod({ namespace, labelSelector: selectorQuery(selector) })).items.map(
    (p) => p.metadata?.name ?? '',
  );

/** A pod as KubeSpawner labels a user's server (restricted-compliant, so the namespace admits it). */
const userServerPod: V1Pod = {
  metadata: {
    name: 'jupyter-bob',
    labels: {
      app: 'jupyterhub',
      component: 'singleuser-server',
      'hub.jupyter.org/username': 'bob',
      'turing.dev/owner': 'bob',
    },
  },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'notebook',
        image: 'quay.io/jupyter/base-notebook:2026-11-01',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  },
};

describe('run pods on a real kube-apiserver (restricted Pod Security namespace)', () => {
  let runPod: V1Pod;

  beforeAll(async () => {
    await installCrds(kubeconfigPath);
    await createNamespace(kubeconfigPath, namespace);
    const runtime = new KubernetesJobRuntime({
      // As the chart's ServiceAccount, with exactly the chart's RBAC.
      clients: createKubeClients({
        kubeconfigPath: await hubProxyKubeconfig(kubeconfigPath, namespace),
        namespace,
      }),
      // No controller needed: startRun creates the Secret and the Job itself.
      controllers: { register: () => undefined },
      tokens: new HmacRunTokens('a test secret of at least sixteen characters'),
      runnerApiUrl: 'http://turing-hub-proxy.jhub.svc:8000/services/turing/',
      gpuPlacementFor: () => undefined,
    });
    const job = await runtime.definitions.create(notebookJobFixture('alice', 'isolated'));
    const run = await runtime.startRun(job, { trigger: 'manual' });
    // The Job controller creates the pod; PodSecurity admission would refuse a non-compliant one.
    runPod = await eventually(
      `the pod of run ${run.id}`,
      30_000,
      async () =>
        (
          await clients.core.listNamespacedPod({
            namespace,
            labelSelector: `batch.kubernetes.io/job-name=${run.id}`,
          })
        ).items[0],
      200,
    );
    await clients.core.createNamespacedPod({ namespace, body: userServerPod });
  });

  afterAll(async () => {
    await clients.core.deleteNamespace({ name: namespace });
  });

  it('enforces the restricted profile in this namespace: a root, privileged pod is refused', async () => {
    const err = await clients.core
      .createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'privileged' },
          spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] },
        },
      })
      .catch((e: unknown) => e);
    // The raw client error: 403 with the admission plugin's reason.
    expect((err as { code?: number }).code, String(err)).toBe(403);
    const status = JSON.parse(String((err as { body?: unknown }).body)) as { message: string };
    expect(status.message).toMatch(/violates PodSecurity "restricted/);
  });

  it('admits the run pod with a read-only root filesystem, a size-limited scratch emptyDir and bounded ephemeral storage', () => {
    const container = runPod.spec?.containers[0];
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.resources).toMatchObject({
      requests: { 'ephemeral-storage': '1Gi' },
      limits: { 'ephemeral-storage': '10Gi' },
    });
    expect(runPod.spec?.volumes).toContainEqual({ name: 'scratch', emptyDir: { sizeLimit: '10Gi' } });
    expect(container?.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'scratch', mountPath: '/tmp' }),
    );
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ HOME: '/tmp', TMPDIR: '/tmp' });
  });

  // There is no CNI here, so whether traffic is really blocked cannot be
  // tested: these check what the apiserver stores and which pods it selects.
  describe("the run NetworkPolicy (the chart's templates/jobs/networkpolicy.yaml)", () => {
    let policy: V1NetworkPolicy;

    beforeAll(async () => {
      const [rendered] = await renderChart({ namespace, showOnly: [POLICY_TEMPLATE] });
      const manifest = { ...rendered, metadata: { ...rendered?.metadata, namespace } } as V1NetworkPolicy;
      // Validated by the apiserver; an invalid ipBlock or selector is a 422 here.
      policy = await networking.createNamespacedNetworkPolicy({ namespace, body: manifest });
    });

    it('selects the run pods and not the user servers', async () => {
      const selected = await podNamesMatching(policy.spec?.podSelector ?? {});
      expect(selected).toContain(runPod.metadata?.name);
      expect(selected).not.toContain(userServerPod.metadata?.name);
    });

    it('allows egress to DNS, to hub-proxy and to public addresses, none of it to a user server by label', async () => {
      const egress = policy.spec?.egress ?? [];
      expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.spec?.ingress ?? []).toEqual([]);
      const ports = egress.flatMap((rule) => rule.ports ?? []).map((p) => `${p.protocol}/${p.port}`);
      expect(ports).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53', 'TCP/8000']));
      for (const peer of egress.flatMap((rule) => rule.to ?? [])) {
        // Peers in this namespace (no namespaceSelector) must not pick a user's server.
        if (peer.podSelector && !peer.namespaceSelector) {
          expect(await podNamesMatching(peer.podSelector)).not.toContain(userServerPod.metadata?.name);
        }
      }
    });

    it('keeps the cloud metadata address and the private ranges pods live in out of its internet rule', () => {
      const blocks = (policy.spec?.egress ?? [])
        .flatMap((rule) => rule.to ?? [])
        .flatMap((p) => p.ipBlock ?? []);
      const v4 = blocks.find((b) => b.cidr === '0.0.0.0/0');
      const v6 = blocks.find((b) => b.cidr === '::/0');
      expect(v4?.except).toEqual(
        expect.arrayContaining(['169.254.169.254/32', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
      );
      expect(v6?.except).toEqual(expect.arrayContaining(['fd00:ec2::254/128', 'fc00::/7']));
    });
  });
});
