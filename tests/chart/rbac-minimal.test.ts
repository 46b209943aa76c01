import { AuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runnerSecretName } from '../../hub-proxy/src/jobs/kubernetes/index.js';
import { serverSideApply, toKubeError, type ApplyObject } from '../../hub-proxy/src/k8s/index.js';
import { MODEL_LABELS } from '../../hub-proxy/src/models/kubernetes/index.js';
import {
  grantLabel,
  grantsOf,
  renderHubProxyRbac,
  resourceNamesOf,
  withoutGrant,
  type Grant,
} from '../support/chart-service-account.js';
import { eventually } from '../support/eventually.js';
import type { RenderedObject } from '../support/helm.js';
import { notebookJobFixture } from '../support/notebook-job-fixtures.js';
import { HubProxyAsServiceAccount, type BaseObjects, type HubProxyOperation } from './rbac-hub-proxy.js';
import { servedModelSpec } from './rbac-model-operations.js';
import { LEASE_NAME, hubProxyOperations } from './rbac-operations.js';

/**
 * The chart's RBAC is sufficient and minimal (docs/rbac.md): hub-proxy's own
 * code, running as the chart's ServiceAccount, does each of its operations
 * with the rendered Role and ClusterRole; and with any one verb taken out of
 * its rule, the operation that needs it is refused (403) for exactly that
 * resource and verb. One hub-proxy (jobs and models runtimes, controllers
 * leading) serves every test; the Role is swapped by server-side apply and
 * each swap waits until the API server's authorizer answers accordingly.
 */
const adminKubeconfigPath = inject('kubeconfigPath');
const hp = new HubProxyAsServiceAccount(adminKubeconfigPath);
const base = {} as BaseObjects;
const operations = hubProxyOperations(hp, base);
const FIELD_MANAGER = 'turing-chart-tests';

let role: RenderedObject;
let clusterRole: RenderedObject;
/** What the cluster holds now, so the next test only restores what changed. */
let removed: Grant | undefined;

function rendered(kind: string, objects: RenderedObject[]): RenderedObject {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`the chart rendered no ${kind}`);
  return found;
}

/** Asks the API server's authorizer, as `kubectl auth can-i --as=<ServiceAccount>` does. */
async function allowed(grant: Grant): Promise<boolean> {
  const [resource = '', subresource] = grant.resource.split('/');
  const [name] = resourceNamesOf(grant.scope === 'Role' ? role : clusterRole, grant) ?? [];
  const review = await authorization().createSubjectAccessReview({
    body: {
      spec: {
        user: hp.names.user,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${hp.namespace}`, 'system:authenticated'],
        resourceAttributes: {
          ...(grant.scope === 'Role' ? { namespace: hp.namespace } : {}),
          group: grant.apiGroup,
          resource,
          ...(subresource ? { subresource } : {}),
          verb: grant.verb,
          ...(name ? { name } : {}),
        },
      },
    },
  });
  return review.status?.allowed === true;
}
let authorizationApi: AuthorizationV1Api | undefined;
const authorization = () => (authorizationApi ??= hp.admin.kubeConfig.makeApiClient(AuthorizationV1Api));

async function apply(object: RenderedObject): Promise<void> {
  await serverSideApply(hp.admin, object as ApplyObject, { force: true, fieldManager: FIELD_MANAGER });
}

/** The chart's Role and ClusterRole, with `grant` taken out if given; returns once the authorizer agrees. */
async function grantAllBut(grant?: Grant): Promise<void> {
  if (grant === removed) return;
  const previous = removed;
  await apply(grant?.scope === 'Role' ? withoutGrant(role, grant) : role);
  await apply(grant?.scope === 'ClusterRole' ? withoutGrant(clusterRole, grant) : clusterRole);
  removed = grant;
  if (previous)
    await eventually(`${grantLabel(previous)} allowed again`, 10_000, () => allowed(previous), 50);
  if (grant) {
    await eventually(`${grantLabel(grant)} refused`, 10_000, async () => !(await allowed(grant)), 50);
  }
}

/** The refusal, checked to be a 403 for exactly `op`'s resource and verb. */
function expectRefused(err: unknown, op: HubProxyOperation): void {
  const { grant } = op;
  expect(err, `succeeded without ${grantLabel(grant)}`).toBeDefined();
  const error = toKubeError(err);
  expect(error.status, error.message).toBe(403);
  const resource = `${grant.resource}${grant.apiGroup ? `.${grant.apiGroup}` : ''}`;
  switch (op.refusedBy ?? 'rbac') {
    case 'rbac':
      // A refused watch answers 403 with no body: the operation names the cache whose list just passed.
      expect(error.message).toContain(
        grant.verb === 'watch'
          ? `watch of ${resource} refused`
          : `cannot ${grant.verb} resource "${grant.resource}" in API group "${grant.apiGroup}"`,
      );
      break;
    case 'blockOwnerDeletion':
      // The plugin does not name the owner; each such operation sets exactly one, of this resource.
      expect(error.message).toContain(
        "cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on",
      );
      break;
    case 'ownerReference':
      expect(error.message).toMatch(
        new RegExp(
          `^${resource.replace(/\./g, '\\.')} "[^"]+" is forbidden: cannot set an ownerRef on a resource you can't delete`,
        ),
      );
      break;
  }
}

describe('the chart’s RBAC for hub-proxy, against the real kube-apiserver', () => {
  beforeAll(async () => {
    const objects = await renderHubProxyRbac(hp.namespace);
    role = rendered('Role', objects);
    clusterRole = rendered('ClusterRole', objects);
    await hp.start();
    base.job = await hp.jobs.definitions.create(notebookJobFixture('alice', 'base'));
    await eventually('the base job’s runner Secret', 15_000, () =>
      hp.exists(() =>
        hp.admin.core.readNamespacedSecret({
          namespace: hp.namespace,
          name: runnerSecretName(base.job.metadata.name ?? ''),
        }),
      ),
    );
    base.runId = (await hp.jobs.startRun(base.job, { trigger: 'manual' })).id;
    base.servedModel = 'served';
    await hp.models.create(servedModelSpec('served'));
    await eventually('a running pod of the served model', 30_000, () =>
      hp.models.caches.pods
        .list({ labelSelector: { [MODEL_LABELS.model]: 'served' } })
        .some((p) => p.status?.phase === 'Running'),
    );
  }, 120_000);

  afterAll(async () => {
    await grantAllBut(undefined).catch(() => undefined);
    await hp.stop();
  });

  it('grants each verb once and limits the Lease rule to hub-proxy’s Lease', () => {
    const grants = [...grantsOf(role), ...grantsOf(clusterRole)].map(grantLabel);
    expect(new Set(grants).size).toBe(grants.length);
    expect(
      resourceNamesOf(role, {
        scope: 'Role',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        verb: 'get',
      }),
    ).toEqual([LEASE_NAME]);
  });

  it('grants exactly the verbs of the operations below: none unused, none missing', () => {
    const granted = [...grantsOf(role), ...grantsOf(clusterRole)].map(grantLabel).sort();
    const used = operations.map((op) => grantLabel(op.grant)).sort();
    expect(used).toEqual(granted);
  });

  it('with the full Role and ClusterRole, hub-proxy does every one of those operations', async () => {
    await grantAllBut(undefined);
    for (const op of operations) {
      await op.prepare?.();
      await op.run().catch((err: unknown) => {
        throw new Error(`${op.name} (${grantLabel(op.grant)}) failed: ${toKubeError(err).message}`);
      });
    }
  }, 600_000);

  for (const op of operations) {
    it(`without rule ${grantLabel(op.grant)}, ${op.name} is refused`, async () => {
      await grantAllBut(undefined);
      await op.prepare?.();
      await grantAllBut(op.grant);
      const err = await op.run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expectRefused(err, op);
    });
  }
});
