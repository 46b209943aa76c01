import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JupyterHub } from '../support/jupyterhub.js';

describe('real JupyterHub fixture', () => {
  const hub = new JupyterHub();
  beforeAll(async () => {
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('logs a user in with a password through the REST API and the token identifies that user', async () => {
    await hub.createUser('alice');
    const token = await hub.loginForToken('alice');
    const res = await fetch(`${hub.apiUrl}/user`, { headers: { Authorization: `token ${token}` } });
    expect(res.status).toBe(200);
    const user = (await res.json()) as { name: string; kind: string; scopes: string[] };
    expect(user.name).toBe('alice');
    expect(user.kind).toBe('user');
    expect(user.scopes).toContain('read:users:name!user=alice');
  });

  it('rejects a request without a token', async () => {
    const res = await fetch(`${hub.apiUrl}/user`);
    expect(res.status).toBe(403);
  });

  it('refuses a password login for a user that was never created', async () => {
    await expect(hub.loginForToken('nobody-here')).rejects.toThrow(/403/);
  });
});
