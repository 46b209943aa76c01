import { z } from 'zod';
import { BadGatewayError, ServiceUnavailableError } from '../http/errors.js';
import { recordHubRequest } from '../observability/metrics.js';
import type { HubIdentity } from './identity.js';

const hubUserSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['user', 'service']).default('user'),
  admin: z.boolean().default(false),
  scopes: z.array(z.string()).default([]),
});

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
});

/** The hub's answer to an OAuth code exchange. */
export interface OAuthTokens {
  accessToken: string;
  /** Seconds until the hub expires the token, if it said. */
  expiresIn?: number;
}

/** Settings for {@link HubClient}. */
export interface HubClientOptions {
  /** e.g. http://127.0.0.1:8081/hub/api (no trailing slash). */
  apiUrl: string;
  /** The service's own token; also its OAuth client secret. */
  apiToken: string;
  timeoutMs?: number;
}

/** The few JupyterHub REST calls hub-proxy needs for authentication. */
export class HubClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: HubClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * Who owns `token` and what it may do (`GET /hub/api/user`). Returns null
   * when the hub rejects the token; throws 502/503 when the hub misbehaves.
   */
  async whoami(token: string): Promise<HubIdentity | null> {
    const res = await this.call('user', '/user', { headers: { Authorization: `token ${token}` } });
    if (res.status === 401 || res.status === 403 || res.status === 404) return null;
    if (!res.ok) throw new BadGatewayError(`The hub answered ${res.status} to an identity lookup.`);
    const user = hubUserSchema.safeParse(await res.json().catch(() => undefined));
    if (!user.success) throw new BadGatewayError('The hub returned an unexpected identity document.');
    const { name, kind, admin, scopes } = user.data;
    return { name, kind, hubAdmin: admin, scopes };
  }

  /** Exchanges an OAuth authorization code for an access token (`POST /hub/api/oauth2/token`). */
  async exchangeCode(params: {
    clientId: string;
    code: string;
    redirectUri: string;
  }): Promise<OAuthTokens | null> {
    const body = new URLSearchParams({
      client_id: params.clientId,
      client_secret: this.options.apiToken,
      code: params.code,
      grant_type: 'authorization_code',
      redirect_uri: params.redirectUri,
    });
    const res = await this.call('oauth2/token', '/oauth2/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    // A bad, reused or expired code is the client's problem, not the hub's.
    if (res.status === 400 || res.status === 401 || res.status === 403) return null;
    if (!res.ok) throw new BadGatewayError(`The hub answered ${res.status} to the OAuth code exchange.`);
    const tokens = tokenResponseSchema.safeParse(await res.json().catch(() => undefined));
    if (!tokens.success) throw new BadGatewayError('The hub returned an unexpected token response.');
    return {
      accessToken: tokens.data.access_token,
      ...(tokens.data.expires_in === undefined ? {} : { expiresIn: tokens.data.expires_in }),
    };
  }

  /** True if the hub API answers at all (`GET /hub/api/`, no auth needed). */
  async ping(): Promise<{ ok: boolean; detail: string }> {
    try {
      const res = await this.call('root', '/', {});
      return { ok: res.ok, detail: res.ok ? 'hub API reachable' : `hub API answered ${res.status}` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  private async call(endpoint: string, path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.options.apiUrl}${path}`, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      recordHubRequest(endpoint, 'error');
      // Never include the request (it carries a token) in the message.
      throw new ServiceUnavailableError('JupyterHub is unreachable.', { cause: (err as Error).message });
    }
    recordHubRequest(endpoint, res.status);
    return res;
  }
}
