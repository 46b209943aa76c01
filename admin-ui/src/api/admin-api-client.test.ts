import { TuringLoginRequiredError } from '@turing/client/lib/errors';
import { describe, expect, it } from 'vitest';

import { AdminApiClient, versionFromEtag } from './admin-api-client';
import { AdminApiError, isStaleWrite } from './api-error';

interface Sent {
  url: string;
  init: RequestInit;
}

function clientAnswering(
  answers: Array<() => Response>,
  cookies = 'turing-xsrf=tok%2Ben',
): { client: AdminApiClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    const next = answers.shift();
    if (!next) {
      throw new Error('no answer left');
    }
    return next();
  }) as unknown as typeof fetch;
  const client = new AdminApiClient({
    apiUrl: '/services/turing/api/v1/',
    serviceUrl: '/services/turing/',
    loginUrl: '/hub/login?next=%2F',
    fetch: fetchImpl,
    cookies: () => cookies,
  });
  return { client, sent };
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

describe('AdminApiClient', () => {
  it('reads the catalog version from the body, else from the ETag', async () => {
    const { client } = clientAnswering([json({ gpuTypes: {}, items: [] }, 200, { etag: '"41"' })]);
    expect((await client.catalog()).version).toBe('41');
    expect(versionFromEtag('W/"7"')).toBe('7');
  });

  it('sends If-Match with the loaded version and the decoded XSRF cookie on writes', async () => {
    const { client, sent } = clientAnswering([json({ version: '42', item: { id: 'x' } }, 201)]);
    await client.createEnvironment({ id: 'x' } as never, '41');
    const headers = sent[0]?.init.headers as Record<string, string>;
    expect(sent[0]?.init.method).toBe('POST');
    expect(headers['If-Match']).toBe('"41"');
    expect(headers['X-XSRF-Token']).toBe('tok+en');
    expect(sent[0]?.init.credentials).toBe('same-origin');
  });

  it('runs the silent login first when the XSRF cookie is missing', async () => {
    let cookies = '';
    const { client, sent } = clientAnswering([
      () => {
        cookies = 'turing-xsrf=fresh';
        return json({ name: 'demo', admin: true })();
      },
      json({}),
    ]);
    (client as unknown as { cookies: () => string }).cookies = () => cookies;
    await client.setModelDisabled('ctr', true);
    expect(sent.map((s) => s.url)).toEqual([
      '/services/turing/api/v1/me',
      '/services/turing/api/v1/models/ctr',
    ]);
    expect((sent[1]?.init.headers as Record<string, string>)['X-XSRF-Token']).toBe('fresh');
  });

  it('turns a stale write into a conflict the page can reload from', async () => {
    const { client } = clientAnswering([
      json(
        {
          type: 'about:blank#conflict',
          title: 'Conflict',
          status: 409,
          detail: 'The catalog changed since you loaded it; reload it and apply your edit again.',
          currentVersion: '43',
        },
        409,
      ),
    ]);
    const error = await client.replaceEnvironment('x', { id: 'x' } as never, '41').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(isStaleWrite(error)).toBe(true);
    expect((error as AdminApiError).problem.currentVersion).toBe('43');
  });

  it('keeps field errors of a 422 for the form and the summary', async () => {
    const { client } = clientAnswering([
      json(
        {
          title: 'Invalid catalog entry',
          status: 422,
          errors: [{ field: 'environments[x].image', message: 'must not use :latest' }],
        },
        422,
      ),
    ]);
    const error = await client.previewEnvironment({ id: 'x' } as never).catch((e: unknown) => e);
    expect(isStaleWrite(error)).toBe(false);
    expect(error).toMatchObject({
      status: 422,
      title: 'Invalid catalog entry',
      errors: [{ field: 'environments[x].image', message: 'must not use :latest' }],
    });
  });

  it('asks for a new hub login when a request ends on the login page', async () => {
    const { client } = clientAnswering([
      () => new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } }),
    ]);
    await expect(client.gpuUsage()).rejects.toBeInstanceOf(TuringLoginRequiredError);
  });

  it('builds filter URLs for lists and the audit export', () => {
    const { client } = clientAnswering([]);
    expect(client.auditExportUrl({ actor: 'demo', kind: '' })).toBe(
      '/services/turing/api/v1/admin/audit/export?actor=demo',
    );
    expect(client.serviceLink('api/v1/runs/r1/log?user=alice')).toBe(
      '/services/turing/api/v1/runs/r1/log?user=alice',
    );
  });
});
