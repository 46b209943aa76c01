import { describe, expect, it } from 'vitest';
import type { HubServer } from '../auth/hub-client.js';
import { rejectionOf } from '../errors/testing/rejection.js';
import { toHttpError } from '../http/error-mapping.js';
import { loadCatalog } from './catalog/index.js';
import { GpuQuotaService } from './gpu-quota-service.js';
import { GpuQuotaExceededError } from './quota.js';

const catalog = loadCatalog();

function server(name: string, userOptions: Record<string, unknown>): HubServer {
  return { name, ready: true, pending: null, started: null, userOptions };
}

/** A quota service over a hub that knows `servers` for alice and nobody else. */
function quotaService(servers: HubServer[], quotas = { defaultMaxGpus: 2, users: { bigco: 8 } }) {
  let lookups = 0;
  const service = new GpuQuotaService({
    catalog,
    quotas,
    hub: {
      userServers: (user) => {
        lookups += 1;
        return Promise.resolve(user === 'alice' ? new Map(servers.map((s) => [s.name, s])) : null);
      },
    },
  });
  return { service, lookups: () => lookups };
}

describe('GpuQuotaService', () => {
  const oneGpuServer = server('', { profile: 'tf-2.16-cuda12.3', gpus: '1', gpu_type: 't4' });

  it("sums the user's servers and every registered holder (job runs) against the user's quota", async () => {
    const { service } = quotaService([oneGpuServer]);
    service.addHolder({ label: 'job runs', gpusHeldBy: (user) => Promise.resolve(user === 'alice' ? 1 : 0) });
    expect(await service.usage('alice')).toEqual({
      maxGpus: 2,
      usedGpus: 2,
      remainingGpus: 0,
      servers: 1,
      holders: [{ label: 'job runs', gpus: 1 }],
    });
    expect(await service.maxGpus('bigco')).toBe(8);
  });

  it('refuses a request that would go over with 403 gpu-quota-exceeded naming servers and job runs', async () => {
    const { service } = quotaService([oneGpuServer]);
    service.addHolder({
      label: 'job runs',
      remedy: 'cancel a run',
      gpusHeldBy: () => Promise.resolve(1),
    });
    const err = await rejectionOf(service.assertWithin('alice', { gpus: 1, for: 'this run' }));
    expect(err).toBeInstanceOf(GpuQuotaExceededError);
    expect(toHttpError(err)).toMatchObject({
      status: 403,
      title: 'GPU Quota Exceeded',
      extensions: { quota: 'gpus', limit: 2, used: 2 },
    });
    expect((err as Error).message).toBe(
      'GPU quota exceeded: you have 2 of 2 GPUs in use (1 on your servers, 1 by your job runs), ' +
        'and this run needs 1 more. Stop a server, cancel a run, or ask for fewer GPUs.',
    );
  });

  it("leaves out the restarted server's own GPUs, and zero GPUs always fit", async () => {
    const { service } = quotaService([oneGpuServer, server('exp', { profile: 'cpu-base' })]);
    service.addHolder({ label: 'job runs', gpusHeldBy: () => Promise.resolve(1) });
    expect(
      (await service.assertWithin('alice', { gpus: 1, exceptServer: '', for: 'this server' }))?.usedGpus,
    ).toBe(1);
    await expect(service.assertWithin('alice', { gpus: 0, for: 'this run' })).resolves.toBeUndefined();
  });

  it('asks a live limit source per check, so an edited quota applies to the next request', async () => {
    let limit = 1;
    const service = new GpuQuotaService({
      catalog,
      maxGpus: () => Promise.resolve(limit),
      hub: { userServers: () => Promise.resolve(new Map([['', oneGpuServer]])) },
    });
    expect(
      (await rejectionOf(service.assertWithin('alice', { gpus: 1, for: 'this run' }))) as Error,
    ).toMatchObject({
      quota: 'gpus',
      limit: 1,
      used: 1,
    });
    limit = 2;
    expect((await service.assertWithin('alice', { gpus: 1, for: 'this run' }))?.maxGpus).toBe(2);
  });

  it('uses servers the caller already fetched instead of asking the hub again', async () => {
    const { service, lookups } = quotaService([]);
    const usage = await service.usage('alice', { servers: [oneGpuServer, oneGpuServer] });
    expect(usage.usedGpus).toBe(2);
    expect(lookups()).toBe(0);
  });

  it('counts no servers for a name the hub does not know (a service)', async () => {
    const { service } = quotaService([oneGpuServer]);
    expect((await service.usage('ci-bot')).usedGpus).toBe(0);
  });
});
