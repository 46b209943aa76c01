import { z } from 'zod';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../http/error-mapping.js';
import { BadGatewayError, ConflictError, NotFoundError, ServiceUnavailableError } from '../http/errors.js';
import { recordHubRequest } from '../observability/metrics.js';
import type { HubIdentity } from './identity.js';
import { TtlCache } from './ttl-cache.js';

const hubUserSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['user', 'service']).default('user'),
  admin: z.boolean().default(false),
  scopes: z.array(z.string()).default([]),
  // Present when the token may read the user's groups (`read:users:groups`).
  groups: z.array(z.string()).optional(),
});

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
});

const hubServerSchema = z.object({
  name: z.string().default(''),
  ready: z.boolean().default(false),
  pending: z.string().nullable().default(null),
  started: z.string().nullable().default(null),
  url: z.string().optional(),
  user_options: z.record(z.string(), z.unknown()).nullable().default(null),
});

// `groups` is absent when the service token lacks `read:users:groups`.
const hubUserGroupsSchema = z.object({ groups: z.array(z.string()).optional() });

/** How long a user's hub groups are trusted: group edits reach the quotas within this. */
const GROUPS_TTL_MS = 30_000;

const hubUserServersSchema = z.object({
  name: z.string(),
  servers: z.record(z.string(), hubServerSchema).default({}),
});

/** One active (running or pending) server of a user, from the hub's user model. */
export interface HubServer {
  /** `''` for the default server. */
  name: string;
  ready: boolean;
  /** `spawn`, `stop`, ... while an action is in progress; null otherwise. */
  pending: string | null;
  /** ISO time the server was started, if the hub knows it. */
  started: string | null;
  /** What it was started with (needs the `read:servers` scope to be visible). */
  userOptions: Record<string, unknown>;
}

/** What the hub did with a start or stop request. */
export type ServerActionResult = 'done' | 'pending';

/** Start and stop requests: the hub answers when done or after its slow_spawn/stop timeout (10 s). */
const START_TIMEOUT_MS = 60_000;

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
  /** How long {@link HubClient.userGroups} answers from its cache (default 30 s). */
  groupsTtlMs?: number;
}

/** The few JupyterHub REST calls hub-proxy needs for authentication. */
export class HubClient {
  private readonly timeoutMs: number;
  private readonly groups: TtlCache<Promise<string[]>>;

  constructor(private readonly options: HubClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.groups = new TtlCache({ ttlMs: options.groupsTtlMs ?? GROUPS_TTL_MS, maxEntries: 10_000 });
  }

  /**
   * The hub groups of `user` (`GET /hub/api/users/{name}` with the service
   * token, which needs `read:users:groups`; without it the hub leaves the
   * field out and this is empty). An unknown user has none. Cached for
   * 30 s, so group edits in the hub reach the quotas within that; a failed
   * lookup is not cached.
   */
  userGroups(user: string): Promise<string[]> {
    const cached = this.groups.get(user);
    if (cached) return cached;
    const lookup = this.fetchUserGroups(user);
    this.groups.set(user, lookup);
    lookup.catch(() => this.groups.delete(user));
    return lookup;
  }

  private async fetchUserGroups(user: string): Promise<string[]> {
    const res = await this.call('users/groups', `/users/${encodeURIComponent(user)}`, {
      headers: this.serviceHeaders(),
    });
    if (res.status === 404) return [];
    if (!res.ok) throw new BadGatewayError(`The hub answered ${res.status} to a user lookup.`);
    const model = hubUserGroupsSchema.safeParse(await res.json().catch(() => undefined));
    if (!model.success) throw new BadGatewayError('The hub returned an unexpected user model.');
    return model.data.groups ?? [];
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
    const { name, kind, admin, scopes, groups } = user.data;
    return { name, kind, hubAdmin: admin, scopes, ...(groups ? { groups } : {}) };
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

  /**
   * The active servers of `user` by name (`GET /hub/api/users/{name}` with the
   * service token, which needs `read:servers`), or null if there is no such
   * user. Stopped servers are not listed.
   */
  async userServers(user: string): Promise<Map<string, HubServer> | null> {
    const res = await this.call('users/servers', `/users/${encodeURIComponent(user)}`, {
      headers: this.serviceHeaders(),
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new BadGatewayError(`The hub answered ${res.status} to a user lookup.`);
    const model = hubUserServersSchema.safeParse(await res.json().catch(() => undefined));
    if (!model.success) throw new BadGatewayError('The hub returned an unexpected user model.');
    const servers = new Map<string, HubServer>();
    for (const [name, server] of Object.entries(model.data.servers)) {
      servers.set(name, {
        name,
        ready: server.ready,
        pending: server.pending,
        started: server.started,
        userOptions: server.user_options ?? {},
      });
    }
    return servers;
  }

  /**
   * Starts a server with `userOptions` (JupyterHub 6 body `{"user_options": ...}`;
   * needs `start:servers`). 201 is `done`, 202 `pending`. A server that is
   * already running or busy is a 409. The hub holds the answer until the
   * spawn finishes or its `slow_spawn_timeout` (10 s) passes, so this call
   * waits up to 60 s.
   */
  async startServer(
    user: string,
    serverName: string,
    userOptions: Record<string, string>,
  ): Promise<ServerActionResult> {
    const res = await this.call(
      'users/server',
      serverPath(user, serverName),
      {
        method: 'POST',
        headers: { ...this.serviceHeaders(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ user_options: userOptions }),
      },
      START_TIMEOUT_MS,
    );
    if (res.status === 201) return 'done';
    if (res.status === 202) return 'pending';
    const message = await hubMessage(res);
    if (res.status === 400 || res.status === 409) throw new ConflictError(`JupyterHub: ${message}`);
    if (res.status === 404) throw new NotFoundError(`JupyterHub: ${message}`);
    throw new BadGatewayError(`The hub answered ${res.status} to a server start: ${message}`);
  }

  /** Stops a server (`DELETE`, needs `delete:servers`): 204 is `done`, 202 `pending`. */
  async stopServer(user: string, serverName: string): Promise<ServerActionResult> {
    const res = await this.call(
      'users/server',
      serverPath(user, serverName),
      { method: 'DELETE', headers: this.serviceHeaders() },
      START_TIMEOUT_MS,
    );
    if (res.status === 204) return 'done';
    if (res.status === 202) return 'pending';
    const message = await hubMessage(res);
    if (res.status === 400 || res.status === 409) throw new ConflictError(`JupyterHub: ${message}`);
    if (res.status === 404) throw new NotFoundError(`JupyterHub: ${message}`);
    throw new BadGatewayError(`The hub answered ${res.status} to a server stop: ${message}`);
  }

  /**
   * Opens the hub's progress event stream for a server
   * (`GET .../server/progress`, text/event-stream; needs `read:servers`).
   * Returns the raw response; `signal` aborts it. No timeout applies.
   */
  async openProgress(user: string, serverName: string, signal: AbortSignal): Promise<Response> {
    try {
      const res = await fetch(`${this.options.apiUrl}${serverPath(user, serverName)}/progress`, {
        headers: { ...this.serviceHeaders(), Accept: 'text/event-stream' },
        redirect: 'manual',
        signal,
      });
      recordHubRequest('users/server/progress', res.status);
      return res;
    } catch (err) {
      recordHubRequest('users/server/progress', 'error');
      throw hubUnavailable('JupyterHub is unreachable.', (err as Error).message);
    }
  }

  private serviceHeaders(): Record<string, string> {
    return { Authorization: `token ${this.options.apiToken}` };
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

  private async call(
    endpoint: string,
    path: string,
    init: RequestInit,
    timeoutMs = this.timeoutMs,
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.options.apiUrl}${path}`, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      recordHubRequest(endpoint, 'error');
      // Never include the request (it carries a token) in the message.
      throw hubUnavailable('JupyterHub is unreachable.', (err as Error).message);
    }
    recordHubRequest(endpoint, res.status);
    // The proxy in front of a hub that is down or restarting (502/503), or a gateway timeout.
    if (HUB_UNAVAILABLE_STATUSES.has(res.status)) {
      await res.body?.cancel();
      throw hubUnavailable(
        `JupyterHub is unavailable (it answered ${res.status}).`,
        `HTTP ${res.status}`,
        Number(res.headers.get('retry-after') ?? NaN),
      );
    }
    return res;
  }
}

const HUB_UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * The hub cannot answer right now: a 503 the client may retry after
 * `retryAfterSeconds` (the hub's own Retry-After when it gave one).
 */
function hubUnavailable(detail: string, cause: string, retryAfterSeconds = NaN): ServiceUnavailableError {
  const seconds =
    Number.isInteger(retryAfterSeconds) && retryAfterSeconds > 0
      ? retryAfterSeconds
      : DEFAULT_RETRY_AFTER_SECONDS;
  return new ServiceUnavailableError(detail, { cause, headers: { 'Retry-After': String(seconds) } });
}

/** `/users/{name}/server` for the default server, `/users/{name}/servers/{serverName}` for a named one. */
function serverPath(user: string, serverName: string): string {
  const base = `/users/${encodeURIComponent(user)}`;
  return serverName === '' ? `${base}/server` : `${base}/servers/${encodeURIComponent(serverName)}`;
}

/** The hub's error message (`{"status", "message"}`), or the status line. */
async function hubMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : `HTTP ${res.status}`;
}
