import {
  AppsV1Api,
  AutoscalingV2Api,
  KubeConfig,
  type V1Deployment,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { apiKeySecret } from '../../hub-proxy/src/models/testing/api-key-secret.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiStack, type StackUser } from '../support/api-stack.js';
import { eventually } from '../support/eventually.js';
import { ModelsApi, seededModel } from '../support/model-publishing.js';

interface AdminModel {
  name: string;
  owner: string;
  state: string;
  readyReplicas: number;
  replicas: { min: number; max: number };
  versions: Array<{ version: number }>;
  traffic?: { stable: number; canary?: number; canaryPercent: number };
  disabled: boolean;
  disabledBy?: string;
  gateway: {
    requests: number;
    requestsPerSecond: number;
    p50Ms: number | null;
    p95Ms: number | null;
    errorRate: number;
  };
  apiKeys: Array<{ id: string; name: string; createdAt: string }>;
}

interface Problem {
  status: number;
  detail?: string;
}

const kubeconfigPath = inject('kubeconfigPath');
const ALICE_MODEL = 'alice-ctr';
const BOB_MODEL = 'bob-ctr';

/**
 * The admin's view of every user's models on the kubernetes runtime: a real
 * JupyterHub, hub-proxy in-process against the shared kube-apiserver (kwok
 * runs the serving pods), models published through the API by alice and bob.
 */
describe('admin: all models (real hub, kube-apiserver, kwok)', () => {
  const stack = new ApiStack(kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const apps = kc.makeApiClient(AppsV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);

  const readDeployment = (model: string): Promise<V1Deployment | undefined> =>
    apps
      .readNamespacedDeployment({ namespace: stack.namespace, name: `model-${model}` })
      .catch(() => undefined);
  const readHpa = (model: string): Promise<V2HorizontalPodAutoscaler | undefined> =>
    autoscaling
      .readNamespacedHorizontalPodAutoscaler({ namespace: stack.namespace, name: `model-${model}` })
      .catch(() => undefined);

  const listed = async (query = ''): Promise<AdminModel[]> =>
    (await stack.json<{ items: AdminModel[] }>('admin', `/api/v1/admin/models${query}`)).items;
  const find = async (name: string): Promise<AdminModel> => {
    const found = (await listed()).find((m) => m.name === name);
    if (!found) throw new Error(`${name} is not listed`);
    return found;
  };
  const patch = (user: StackUser, name: string, body: unknown, status = 200) =>
    stack.json<AdminModel>(
      user,
      `/api/v1/models/${name}`,
      { method: 'PATCH', body: JSON.stringify(body) },
      status,
    );
  /** One V2 inference call of `user` through the hub-side gateway. */
  const infer = (user: StackUser, name: string) =>
    stack.call(stack.tokens[user], `/models/${name}/v2/models/${name}/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      }),
    });

  beforeAll(async () => {
    await stack.start();
    for (const [user, model] of [
      ['alice', ALICE_MODEL],
      ['bob', BOB_MODEL],
    ] as const) {
      const api = new ModelsApi(stack.hub.url, stack.tokens[user]);
      await api.create(model);
      await api.publishFile(model, seededModel);
    }
    await eventually(
      'both models Ready with their pods',
      60_000,
      async () => {
        const items = await listed();
        return items.filter((m) => m.state === 'Ready' && m.readyReplicas === 1).length === 2;
      },
      250,
    );
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
  });

  it("lists alice's and bob's models with replicas, versions and traffic for the admin, and to no one else", async () => {
    const items = await listed();
    const mine = items.filter((m) => m.name === ALICE_MODEL || m.name === BOB_MODEL);
    expect(mine.map((m) => [m.owner, m.name])).toEqual([
      ['alice', ALICE_MODEL],
      ['bob', BOB_MODEL],
    ]);
    for (const model of mine) {
      expect(model).toMatchObject({
        state: 'Ready',
        readyReplicas: 1,
        replicas: { min: 1, max: 1 },
        versions: [{ version: 1 }],
        traffic: { stable: 1, canaryPercent: 0 },
        disabled: false,
        apiKeys: [],
      });
    }
    expect((await listed('?user=bob')).map((m) => m.name)).toEqual([BOB_MODEL]);

    const refused = await stack.call(stack.tokens.alice, '/api/v1/admin/models');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await stack.call(undefined, '/api/v1/admin/models')).status).toBe(401);
  });

  it("scales alice's model: the HPA and the Deployment follow the admin's min and max", async () => {
    const scaled = await patch('admin', ALICE_MODEL, { replicas: { min: 2, max: 3 } });
    expect(scaled).toMatchObject({ owner: 'alice', replicas: { min: 2, max: 3 } });
    await eventually('the HPA at 2..3 and two replicas', 30_000, async () => {
      const [hpa, deployment] = await Promise.all([readHpa(ALICE_MODEL), readDeployment(ALICE_MODEL)]);
      return hpa?.spec?.minReplicas === 2 && hpa.spec.maxReplicas === 3 && deployment?.spec?.replicas === 2;
    });
    await eventually('two ready replicas on the admin page', 30_000, async () => {
      const model = await find(ALICE_MODEL);
      return model.readyReplicas === 2 && model.replicas.max === 3;
    });
  });

  it("disables bob's model: scaled to zero, the gateway says an admin did it, only an admin enables it", async () => {
    const disabled = await patch('admin', BOB_MODEL, { disabled: true });
    expect(disabled).toMatchObject({ disabled: true, disabledBy: 'admin' });
    await eventually('no HPA and zero replicas', 30_000, async () => {
      const [hpa, deployment] = await Promise.all([readHpa(BOB_MODEL), readDeployment(BOB_MODEL)]);
      return !hpa && deployment?.spec?.replicas === 0;
    });

    for (let i = 0; i < 3; i++) {
      const res = await infer('bob', BOB_MODEL);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as Problem).detail).toBe(`Model ${BOB_MODEL} is disabled by an admin.`);
    }
    // The status follows the pods; then the gateway's own figures: three calls, all answered 5xx.
    const seen = await eventually('Disabled with no ready replica on the admin page', 30_000, async () => {
      const model = await find(BOB_MODEL);
      return model.state === 'Disabled' && model.readyReplicas === 0 ? model : undefined;
    });
    expect(seen.disabled).toBe(true);
    expect(seen.gateway.requests).toBe(3);
    expect(seen.gateway.requestsPerSecond).toBeGreaterThan(0);
    expect(seen.gateway.errorRate).toBe(1);
    expect(seen.gateway.p50Ms).not.toBeNull();

    const refused = await stack.call(stack.tokens.bob, `/api/v1/models/${BOB_MODEL}`, {
      method: 'PATCH',
      body: JSON.stringify({ disabled: false }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as Problem).detail).toBe(
      `Model ${BOB_MODEL} was disabled by an admin; ask an admin to enable it.`,
    );

    const enabled = await patch('admin', BOB_MODEL, { disabled: false });
    expect(enabled.disabled).toBe(false);
    expect(enabled.disabledBy).toBeUndefined();
    await eventually('the HPA and one replica again', 30_000, async () => {
      const [hpa, deployment] = await Promise.all([readHpa(BOB_MODEL), readDeployment(BOB_MODEL)]);
      return Boolean(hpa) && deployment?.spec?.replicas === 1;
    });
    // kwok's pods do not listen, so the call fails further on; it is no longer refused as disabled.
    const res = await infer('bob', BOB_MODEL);
    expect(await res.text()).not.toContain('disabled');
  });

  it("revokes one of alice's API keys: a call with it is refused, the other key still passes", async () => {
    await patch('alice', ALICE_MODEL, { access: { users: [], groups: [], apiKeys: true } });
    const create = (label: string) =>
      stack.json<{ id: string; key: string }>(
        'alice',
        `/api/v1/models/${ALICE_MODEL}/api-keys`,
        { method: 'POST', body: JSON.stringify({ label }) },
        201,
      );
    const revoked = await create('old scorer');
    const kept = await create('new scorer');
    const keys = (await find(ALICE_MODEL)).apiKeys;
    expect(keys.map((k) => k.name).sort()).toEqual(['new scorer', 'old scorer']);
    expect(JSON.stringify(keys)).not.toContain(apiKeySecret(revoked.key));

    const listener = stack.proxy.proxy.listenerUrls['models-api-key'] ?? '';
    // GET on the inference path: past the key check the gateway answers 405 itself, without a backend.
    const callWith = async (key: string) => {
      const res = await fetch(`${listener}/models/${ALICE_MODEL}/v2/models/${ALICE_MODEL}/infer`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      await res.body?.cancel();
      return res.status;
    };
    expect(await callWith(revoked.key)).toBe(405);

    await stack.json(
      'admin',
      `/api/v1/models/${ALICE_MODEL}/api-keys/${revoked.id}`,
      { method: 'DELETE' },
      204,
    );
    expect(await callWith(revoked.key)).toBe(401);
    expect(await callWith(kept.key)).toBe(405);
    expect((await find(ALICE_MODEL)).apiKeys.map((k) => k.id)).toEqual([kept.id]);
    // Another user may not revoke it.
    const other = await stack.call(stack.tokens.bob, `/api/v1/models/${ALICE_MODEL}/api-keys/${kept.id}`, {
      method: 'DELETE',
    });
    expect(other.status).toBe(404);
  });
});
