import { afterEach, describe, expect, it } from 'vitest';
import type { GpuCaches } from '../environments/index.js';
import { closeTestApps, serveTestApp } from '../testing/serve-test-app.js';
import { gpuUsageRoute, NO_GPU_USAGE } from './gpu-usage-route.js';

afterEach(closeTestApps);

async function serve(caches: Parameters<typeof gpuUsageRoute>[0]): Promise<string> {
  const origin = await serveTestApp({ routes: [gpuUsageRoute(caches)] });
  return `${origin}/services/turing/api/v1/admin/gpu-usage`;
}

const asRoot = { headers: { Authorization: 'token root-token' } };

/** Caches holding fixed lists, counting how often they are read. */
function fixedCaches(synced: boolean) {
  const reads = { nodes: 0, pods: 0 };
  const caches = {
    synced,
    nodes: {
      list: () => {
        reads.nodes++;
        return [
          {
            metadata: { name: 'gpu-0', labels: { 'nvidia.com/gpu.product': 'T4' } },
            status: {
              allocatable: { 'nvidia.com/gpu': '2' },
              conditions: [{ type: 'Ready', status: 'True' }],
            },
          },
        ];
      },
    },
    clusterPods: {
      list: () => {
        reads.pods++;
        return [
          {
            metadata: {
              name: 'jupyter-amy',
              namespace: 'hub',
              labels: { component: 'singleuser-server' },
              annotations: { 'hub.jupyter.org/username': 'amy' },
            },
            spec: {
              nodeName: 'gpu-0',
              containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
            },
            status: { phase: 'Running' },
          },
        ];
      },
    },
  } as unknown as Pick<GpuCaches, 'nodes' | 'clusterPods' | 'synced'>;
  return { caches, reads };
}

describe('GET /api/v1/admin/gpu-usage', () => {
  it('says the local runtime has no GPU figures', async () => {
    const res = await fetch(await serve(undefined), asRoot);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(NO_GPU_USAGE);
  });

  it('computes the figures from the caches on each call and reports whether they are synced', async () => {
    const { caches, reads } = fixedCaches(false);
    const url = await serve(caches);
    const body = (await (await fetch(url, asRoot)).json()) as typeof NO_GPU_USAGE;
    expect(body).toMatchObject({
      available: true,
      synced: false,
      totals: { capacity: 2, allocated: 1, free: 1 },
      byUser: [{ user: 'amy', server: 1, total: 1 }],
    });
    await fetch(url, asRoot);
    expect(reads).toEqual({ nodes: 2, pods: 2 });
  });

  it('refuses a user without the admin scope', async () => {
    const res = await fetch(await serve(undefined), { headers: { Authorization: 'token alice-token' } });
    expect(res.status).toBe(403);
  });
});
