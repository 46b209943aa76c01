import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHART_VARIANTS, VARIANT_NAMES, withValuesFile } from '../support/chart-variants.js';
import { CHART_DIR, helm, renderChart, type RenderedObject } from '../support/helm.js';
import { createNamespace } from '../support/namespaces.js';
import { kubectl as runKubectl, type KubectlResult } from '../support/kubectl.js';

/**
 * Every object the chart renders, for every variant, against the real
 * kube-apiserver: a server-side apply dry run (schema validation, defaulting,
 * admission) in a namespace that enforces the `restricted` Pod Security
 * profile. Deployments only get Pod Security *warnings*, so their pod
 * templates are also dry-run created as Pods, which enforce mode refuses.
 *
 * The ServiceMonitor is left out: it is off by default, in no variant (the
 * render test checks it when enabled), and the test apiserver has no
 * monitoring.coreos.com CRD. The first test asserts that no variant renders one.
 */

const kubeconfigPath = inject('kubeconfigPath');
const namespace = `chart-dry-run-${randomBytes(3).toString('hex')}`;

function kubectl(args: string[], input?: string): Promise<KubectlResult> {
  return runKubectl(kubeconfigPath, args, input);
}

/** One JSON List: unlike YAML re-serialised by another library, JSON means the same to kubectl (YAML 1.1 reads `y` as true). */
const asList = (objects: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
const isCrd = (o: RenderedObject) => o.kind === 'CustomResourceDefinition';
/** kubectl's `-o name` spelling of an object, e.g. `deployment.apps/turing-hub-proxy`. */
const kubectlName = (o: RenderedObject) => {
  const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
};

const rendered = new Map<string, RenderedObject[]>();

beforeAll(async () => {
  await createNamespace(kubeconfigPath, namespace);
  for (const name of VARIANT_NAMES) {
    rendered.set(name, await renderChart({ values: CHART_VARIANTS[name], namespace, includeCrds: true }));
  }
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

describe('server-side dry-run apply against the real kube-apiserver (Pod Security restricted, enforce)', () => {
  it('has a namespace that enforces the restricted profile, and no variant renders a ServiceMonitor', async () => {
    const ns = await kubectl(['get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels}']);
    expect(JSON.parse(ns.stdout)).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    for (const objects of rendered.values()) {
      expect(objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
    }
  });

  it.each(VARIANT_NAMES)(
    'accepts every object of the %s variant, CRDs first, without warnings',
    async (name) => {
      const objects = rendered.get(name) ?? [];
      const ordered = [...objects.filter(isCrd), ...objects.filter((o) => !isCrd(o))];
      expect(ordered.filter(isCrd).length).toBeGreaterThan(0);
      const result = await kubectl(
        [
          'apply',
          '--server-side',
          '--dry-run=server',
          '--field-manager=turing-chart-test',
          // The global setup installed the CRDs under its own field manager; taking their
          // fields over is what a dry run may do, and it validates the objects all the same.
          '--force-conflicts',
          '-n',
          namespace,
          '-o',
          'name',
          '-f',
          '-',
        ],
        asList(ordered),
      );
      expect(result.code, result.stderr).toBe(0);
      // Pod Security and deprecation warnings go to stderr.
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual(ordered.map(kubectlName));
    },
  );

  it.each(VARIANT_NAMES)(
    'admits the pods of every Deployment of the %s variant under enforce',
    async (name) => {
      const deployments = (rendered.get(name) ?? []).filter((o) => o.kind === 'Deployment');
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) {
        const template = (deployment.spec as { template: { metadata: unknown; spec: unknown } }).template;
        const pod = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { ...(template.metadata as object), name: `${deployment.metadata.name}-dry-run` },
          spec: template.spec,
        };
        const result = await kubectl(
          ['create', '--dry-run=server', '-n', namespace, '-o', 'name', '-f', '-'],
          JSON.stringify(pod),
        );
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toBe('');
      }
    },
  );

  it('refuses a pod template the restricted profile forbids (the check above can fail)', async () => {
    const deployment = (rendered.get('default') ?? []).find((o) => o.kind === 'Deployment');
    const template = (deployment?.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
      .template;
    const [first, ...rest] = template.spec.containers;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged-dry-run' },
      spec: { ...template.spec, containers: [{ ...first, securityContext: { privileged: true } }, ...rest] },
    };
    const result = await kubectl(
      ['create', '--dry-run=server', '-n', namespace, '-f', '-'],
      JSON.stringify(pod),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/violates PodSecurity "restricted/);
  });

  it('installs with helm itself (server dry run) and prints the next steps', async () => {
    const { stdout } = await withValuesFile(CHART_VARIANTS.default, (file) =>
      helm(['install', 'turing', CHART_DIR, '--namespace', namespace, '--dry-run=server', '-f', file], {
        kubeconfigPath,
      }),
    );
    expect(stdout).toMatch(/STATUS: pending-install/);
    expect(stdout).toContain('helm/z2jh-values.yaml');
    expect(stdout).toContain(`kubectl -n ${namespace} rollout status deployment/turing-hub-proxy`);
    expect(stdout).toContain('/readyz');
  });
});
