import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HubClient } from './hub-client.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A hub API answering user models; counts the lookups. */
async function fakeHub(answer: (user: string) => { status: number; body?: unknown }) {
  const calls: string[] = [];
  server = createServer((req, res) => {
    const user = decodeURIComponent((req.url ?? '').replace(/^\/users\//, ''));
    calls.push(`${req.headers.authorization ?? ''} ${user}`);
    const { status, body } = answer(user);
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { apiUrl, calls };
}

describe('HubClient.userGroups', () => {
  it("reads the user's groups with the service token and answers repeats from its cache", async () => {
    const { apiUrl, calls } = await fakeHub((user) => ({
      status: 200,
      body: { name: user, groups: user === 'alice' ? ['research', 'ml'] : [] },
    }));
    const hub = new HubClient({ apiUrl, apiToken: 'secret' });
    expect(await hub.userGroups('alice')).toEqual(['research', 'ml']);
    expect(await hub.userGroups('alice')).toEqual(['research', 'ml']);
    expect(await hub.userGroups('bob')).toEqual([]);
    expect(calls).toEqual(['token secret alice', 'token secret bob']);
  });

  it('has none for an unknown user or without the read:users:groups scope, and does not cache a failure', async () => {
    let failing = true;
    const { apiUrl, calls } = await fakeHub((user) =>
      user === 'ghost' ? { status: 404 } : failing ? { status: 500 } : { status: 200, body: { name: user } },
    );
    const hub = new HubClient({ apiUrl, apiToken: 'secret', groupsTtlMs: 60_000 });
    expect(await hub.userGroups('ghost')).toEqual([]);
    await expect(hub.userGroups('carol')).rejects.toMatchObject({ status: 502 });
    failing = false;
    expect(await hub.userGroups('carol')).toEqual([]);
    expect(calls).toHaveLength(3);
  });
});
