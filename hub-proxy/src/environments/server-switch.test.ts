import { describe, expect, it } from 'vitest';
import type { HubClient, HubServer } from '../auth/hub-client.js';
import { loadCatalog } from './catalog/index.js';
import { InvalidInput } from '../errors/index.js';
import { toHttpError } from '../http/error-mapping.js';
import { GpuQuotaExceededError } from './quota.js';
import { ServerSwitchService } from './server-switch.js';

const catalog = loadCatalog();

/** A hub with servers in memory: a stop takes two polls, a start is instant unless `slowStart`. */
function fakeHub(initial: HubServer[], options: { slowStart?: boolean } = {}) {
  const servers = new Map(initial.map((s) => [s.name, s]));
  const calls: string[] = [];
  let stopPolls = 0;
  const hub: Pick<HubClient, 'userServers' | 'startServer' | 'stopServer' | 'openProgress'> = {
    userServers: () => {
      if (stopPolls > 0 && --stopPolls === 0) servers.delete('');
      return Promise.resolve(new Map(servers));
    },
    stopServer: (_user, name) => {
      calls.push(`stop ${name}`);
      stopPolls = 2;
      return Promise.resolve('pending');
    },
    startServer: (_user, name, userOptions) => {
      calls.push(`start ${name} ${JSON.stringify(userOptions)}`);
      servers.set(name, { name, ready: true, pending: null, started: null, userOptions });
      return options.slowStart ? new Promise(() => undefined) : Promise.resolve('done');
    },
    openProgress: () => Promise.reject(new Error('unused')),
  };
  return { hub, calls };
}

const running = (name: string, userOptions: Record<string, unknown>): HubServer => ({
  name,
  ready: true,
  pending: null,
  started: '2026-01-01T00:00:00Z',
  userOptions,
});

function service(hub: ReturnType<typeof fakeHub>['hub'], startAckMs = 1_000) {
  return new ServerSwitchService({
    catalog,
    quotas: { defaultMaxGpus: 2, users: {} },
    hub,
    servicePrefix: '/services/turing/',
    pollIntervalMs: 1,
    startAckMs,
  });
}

describe('ServerSwitchService', () => {
  it('stops the running server, waits until it is gone, then starts it with the resolved options', async () => {
    const { hub, calls } = fakeHub([running('', { profile: 'cpu-base' })]);
    const result = await service(hub).switch('alice', {
      environment: 'tf-2.16-cuda12.3',
      gpus: 1,
      gpuType: 't4',
      serverName: '',
    });
    expect(calls).toEqual(['stop ', 'start  {"profile":"tf-2.16-cuda12.3","gpus":"1","gpu_type":"t4"}']);
    expect(result).toMatchObject({
      serverName: '',
      environment: 'tf-2.16-cuda12.3',
      gpus: 1,
      gpuType: 't4',
      restarted: true,
      progressUrl: '/services/turing/api/v1/me/server/progress?serverName=',
    });
  });

  it('names body fields and stops nothing when the selection or the quota is refused', async () => {
    const { hub, calls } = fakeHub([running('', { profile: 'cpu-base' })]);
    const switcher = service(hub);
    const invalid = await switcher
      .switch('alice', { environment: 'tf-2.16-cuda12.3', gpus: 3, gpuType: 'h100', serverName: '' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidInput);
    expect(toHttpError(invalid).status).toBe(400);
    expect((invalid as InvalidInput).errors.map((e) => e.field)).toEqual(['body.gpus', 'body.gpuType']);
    await expect(
      switcher.switch('alice', { environment: 'tf-2.16-cuda12.3', gpus: 4, serverName: '' }),
    ).rejects.toBeInstanceOf(GpuQuotaExceededError);
    expect(calls).toEqual([]);
  });

  it('answers once the start is acknowledged or the ack time passes, whichever is first', async () => {
    const { hub, calls } = fakeHub([], { slowStart: true });
    const result = await service(hub, 20).switch('alice', { environment: 'cpu-base', serverName: 'exp1' });
    expect(result).toMatchObject({
      restarted: false,
      serverName: 'exp1',
      userOptions: { profile: 'cpu-base' },
    });
    expect(result.progressUrl).toBe('/services/turing/api/v1/me/server/progress?serverName=exp1');
    expect(calls).toHaveLength(1);
  });
});
