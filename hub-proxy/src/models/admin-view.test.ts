import { beforeEach, describe, expect, it } from 'vitest';
import { admin, alice, bob } from '../auth/testing/identities.js';
import { Forbidden, NotFound } from '../errors/index.js';
import { adminModelSchema } from './admin-schemas.js';
import { adminModelView, byOwnerThenName } from './admin-view.js';
import type { WindowSummary } from './gateway/index.js';
import { patchModelBodySchema } from './schemas.js';
import type { ModelsService, CreateModelInput } from './service.js';
import type { InMemoryModelRuntime } from './testing/in-memory-model-runtime.js';
import { apiKeySecret } from './testing/api-key-secret.js';
import { modelsServiceFixture } from './testing/models-service-fixture.js';

const model = (name: string): CreateModelInput => ({
  name,
  runtime: { kind: 'mlserver', version: '1.7.1', gpu: false },
  replicas: { min: 1, max: 2 },
  resources: { cpu: '1', memory: '1Gi', gpu: 0 },
  access: { users: [], groups: [], apiKeys: true },
});

const quiet: WindowSummary = { requests: 0, requestsPerSecond: 0, p50Ms: null, p95Ms: null, errorRate: 0 };

describe('models for admins', () => {
  let runtime: InMemoryModelRuntime;
  let service: ModelsService;

  beforeEach(() => {
    ({ service, runtime } = modelsServiceFixture());
  });

  it("lists every user's models by owner and name, with state, ready replicas, key metadata and the gateway's figures", async () => {
    await service.create(bob, model('zeta'));
    await service.create(alice, model('yak'));
    await service.create(alice, model('ant'));
    const key = await service.createApiKey(alice, 'ant', 'batch scorer');
    const busy: WindowSummary = { requests: 30, requestsPerSecond: 0.5, p50Ms: 3, p95Ms: 12, errorRate: 0.1 };

    const views = (await service.list(admin)).sort(byOwnerThenName);
    const items = views.map((v) => adminModelView(v, v.name === 'ant' ? busy : quiet));

    expect(items.map((m) => `${m.owner}/${m.name}`)).toEqual(['alice/ant', 'alice/yak', 'bob/zeta']);
    const [ant] = items;
    expect(ant).toMatchObject({
      state: 'Pending',
      readyReplicas: 0,
      replicas: { min: 1, max: 2 },
      versions: [],
      disabled: false,
      gateway: busy,
      apiKeys: [{ id: key.id, name: 'batch scorer', label: 'batch scorer', createdAt: key.createdAt }],
    });
    for (const item of items) expect(adminModelSchema.safeParse(item).success).toBe(true);
    // Neither the key nor its hash leaves the service.
    const stored = (await runtime.get('ant'))?.spec.apiKeys[0]?.sha256 ?? 'missing';
    const text = JSON.stringify(items);
    expect(text).not.toContain(stored);
    expect(text).not.toContain(apiKeySecret(key.key));
    expect(text).not.toContain('sha256');
  });

  it("lets an admin scale any user's model and revoke its API keys; another user cannot", async () => {
    await service.create(alice, model('ctr'));
    const key = await service.createApiKey(alice, 'ctr', 'ci');
    await expect(service.patch(bob, 'ctr', { replicas: { min: 1, max: 1 } })).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(service.revokeApiKey(bob, 'ctr', key.id)).rejects.toBeInstanceOf(NotFound);

    const scaled = await service.patch(admin, 'ctr', { replicas: { min: 2, max: 4 } });
    expect(scaled.replicas).toEqual({ min: 2, max: 4 });
    expect(scaled.owner).toBe('alice');
    await service.revokeApiKey(admin, 'ctr', key.id);
    expect(await service.apiKeys(alice, 'ctr')).toEqual([]);
  });

  it('refuses a scale below one replica at the edge, as the ModelServer CRD would (disable instead)', () => {
    const parsed = patchModelBodySchema.safeParse({ replicas: { min: 0, max: 1 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['replicas.min']);
    expect(patchModelBodySchema.safeParse({ replicas: { min: 1, max: 1 } }).success).toBe(true);
  });

  it('records who disabled a model; only an admin may enable what an admin disabled', async () => {
    await service.create(alice, model('ctr'));
    const disabled = await service.patch(admin, 'ctr', { disabled: true });
    expect(disabled).toMatchObject({ disabled: true, disabledBy: 'admin' });

    await expect(service.patch(alice, 'ctr', { disabled: false })).rejects.toThrow(
      new Forbidden('Model ctr was disabled by an admin; ask an admin to enable it.'),
    );
    // Other changes by the owner keep the admin's decision.
    const edited = await service.patch(alice, 'ctr', { replicas: { min: 1, max: 3 } });
    expect(edited).toMatchObject({ disabled: true, disabledBy: 'admin', replicas: { min: 1, max: 3 } });
    // Disabling again as the owner does not take it over.
    expect(await service.patch(alice, 'ctr', { disabled: true })).toMatchObject({ disabledBy: 'admin' });

    const enabled = await service.patch(admin, 'ctr', { disabled: false });
    expect(enabled.disabled).toBe(false);
    expect(enabled).not.toHaveProperty('disabledBy');
    expect((await runtime.get('ctr'))?.spec).not.toHaveProperty('disabledBy');
  });

  it('lets the owner enable what the owner disabled, and an admin take an owner’s disable over', async () => {
    await service.create(alice, model('ctr'));
    expect(await service.patch(alice, 'ctr', { disabled: true })).toMatchObject({ disabledBy: 'owner' });
    expect((await service.patch(alice, 'ctr', { disabled: false })).disabled).toBe(false);

    await service.patch(alice, 'ctr', { disabled: true });
    expect(await service.patch(admin, 'ctr', { disabled: true })).toMatchObject({ disabledBy: 'admin' });
    await expect(service.patch(alice, 'ctr', { disabled: false })).rejects.toBeInstanceOf(Forbidden);
  });
});
