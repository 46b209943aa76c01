import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser } from './browser.js';
import { startProcess, waitUntil, type ManagedProcess } from './child-process.js';
import { freePort } from './ports.js';
import { registerSecret } from './secrets-scan.js';

const repoRoot = resolve(import.meta.dirname, '../..');

/** A service entry for `c.JupyterHub.services`, plus the role scopes it gets. */
export interface HubServiceSpec {
  name: string;
  apiToken?: string;
  url?: string;
  command?: string[];
  environment?: Record<string, string>;
  oauthNoConfirm?: boolean;
  /** Scopes OAuth tokens issued to this service may carry (intersected with the user's). */
  oauthClientAllowedScopes?: string[];
  scopes?: string[];
}

/** Options for {@link JupyterHub.start}. */
export interface JupyterHubOptions {
  services?: HubServiceSpec[];
  /** Extra roles for `c.JupyterHub.load_roles`. */
  roles?: Array<{ name: string; scopes: string[]; users?: string[]; services?: string[]; groups?: string[] }>;
  adminUsers?: string[];
  /** `c.JupyterHub.load_groups`: group name -> user names (created if missing). */
  groups?: Record<string, string[]>;
  /** `c.JupyterHub.custom_scopes`: scope -> description. */
  customScopes?: Record<string, string>;
  /** Python appended to the generated jupyterhub_config.py. */
  extraConfig?: string;
  /** Extra environment variables for the hub process (e.g. `KUBECONFIG` for KubeSpawner). */
  env?: Record<string, string>;
}

/** Scopes the fixture's own admin service holds, to manage users and tokens. */
const FIXTURE_SCOPES = ['admin:users', 'admin:servers', 'tokens', 'admin:groups', 'list:users', 'read:users'];

/**
 * A real JupyterHub from the project venv, on loopback with random ports and
 * DummyAuthenticator, driven through its REST API with an admin service token.
 */
export class JupyterHub {
  readonly dir = mkdtempSync(join(tmpdir(), 'turing-hub-'));
  /** Token of the fixture's admin service (`turing-test-admin`). */
  readonly adminToken = randomBytes(24).toString('hex');
  url = '';
  private process?: ManagedProcess;
  /** Chosen on the first start and kept, so a restarted hub answers where it did. */
  private ports?: { port: number; hubPort: number; proxyApiPort: number };

  constructor(private readonly options: JupyterHubOptions = {}) {
    registerSecret('service-token', this.adminToken);
    for (const service of options.services ?? []) registerSecret('service-token', service.apiToken);
  }

  /** Base URL of the hub's REST API. */
  get apiUrl(): string {
    return `${this.url}/hub/api`;
  }

  get logFile(): string {
    return join(this.dir, 'jupyterhub.log');
  }

  /**
   * Starts the hub. A second start after {@link stop} with `keepFiles`
   * brings the same hub back (database, cookie secret, users and tokens) on
   * the same ports.
   */
  async start(): Promise<this> {
    this.ports ??= await (async () => {
      const [port, hubPort, proxyApiPort] = await Promise.all([freePort(), freePort(), freePort()]);
      return { port, hubPort, proxyApiPort };
    })();
    const { port, hubPort, proxyApiPort } = this.ports;
    this.url = `http://127.0.0.1:${port}`;
    const services = [
      { name: 'turing-test-admin', apiToken: this.adminToken, scopes: FIXTURE_SCOPES },
      ...(this.options.services ?? []),
    ];
    const settings = {
      port,
      hubPort,
      proxyApiPort,
      dir: this.dir,
      chp: join(repoRoot, 'node_modules/.bin/configurable-http-proxy'),
      adminUsers: this.options.adminUsers ?? ['admin'],
      services: services.map((s) => ({
        name: s.name,
        ...(s.apiToken ? { api_token: s.apiToken } : {}),
        ...(s.url ? { url: s.url } : {}),
        ...(s.command ? { command: s.command } : {}),
        ...(s.environment ? { environment: s.environment } : {}),
        ...(s.oauthNoConfirm !== undefined ? { oauth_no_confirm: s.oauthNoConfirm } : {}),
        ...(s.oauthClientAllowedScopes ? { oauth_client_allowed_scopes: s.oauthClientAllowedScopes } : {}),
      })),
      groups: Object.fromEntries(
        Object.entries(this.options.groups ?? {}).map(([name, users]) => [name, { users }]),
      ),
      customScopes: Object.fromEntries(
        Object.entries(this.options.customScopes ?? {}).map(([scope, description]) => [
          scope,
          { description },
        ]),
      ),
      roles: [
        ...services
          .filter((s) => s.scopes?.length)
          .map((s) => ({ name: `${s.name}-role`, scopes: s.scopes, services: [s.name] })),
        ...(this.options.roles ?? []),
      ],
    };
    writeFileSync(join(this.dir, 'settings.json'), JSON.stringify(settings));
    writeFileSync(join(this.dir, 'jupyterhub_config.py'), baseConfig + (this.options.extraConfig ?? ''));
    const venvBin = join(repoRoot, '.venv/bin');
    this.process = startProcess('jupyterhub', join(venvBin, 'jupyterhub'), ['-f', 'jupyterhub_config.py'], {
      cwd: this.dir,
      logDir: this.dir,
      env: {
        ...process.env,
        PATH: `${venvBin}:${process.env.PATH ?? ''}`,
        TURING_HUB_SETTINGS: join(this.dir, 'settings.json'),
        ...this.options.env,
      },
    });
    await waitUntil('jupyterhub', async () => (await fetch(`${this.apiUrl}/`)).ok, {
      timeoutMs: 60_000,
      process: this.process,
    });
    return this;
  }

  /** Calls the hub REST API as the fixture's admin service. Tokens it mints are registered as secrets. */
  async api(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      ...init,
      headers: {
        Authorization: `token ${this.adminToken}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
    if (init.method === 'POST' && res.status === 201 && /\/tokens$/.test(path)) {
      await registerMintedToken(res.clone());
    }
    return res;
  }

  /** Creates a user (idempotent). */
  async createUser(name: string): Promise<void> {
    const res = await this.api(`/users/${encodeURIComponent(name)}`, { method: 'POST' });
    if (!res.ok && res.status !== 409)
      throw new Error(`create user ${name}: ${res.status} ${await res.text()}`);
  }

  /**
   * Logs `name` in with a password through the REST API (no prior token) and
   * returns a new API token for that user.
   */
  async loginForToken(name: string, password = 'any-password', scopes?: string[]): Promise<string> {
    const res = await fetch(`${this.apiUrl}/users/${encodeURIComponent(name)}/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: { username: name, password },
        note: 'turing tests',
        ...(scopes ? { scopes } : {}),
      }),
    });
    if (res.status !== 201) throw new Error(`token for ${name}: ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    registerSecret('hub-api-token', token);
    return token;
  }

  /** Mints a token for `name` as the admin service, optionally limited to `scopes`. */
  async tokenFor(name: string, scopes?: string[]): Promise<string> {
    const res = await this.api(`/users/${encodeURIComponent(name)}/tokens`, {
      method: 'POST',
      body: JSON.stringify({ note: 'turing tests', ...(scopes ? { scopes } : {}) }),
    });
    if (res.status !== 201) throw new Error(`token for ${name}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }

  /**
   * Logs `name` in through the hub's login form (`GET /hub/login` for the
   * `_xsrf` value, then the form POST), as a browser would, and returns the
   * browser holding the hub's cookies.
   */
  async loginWithBrowser(name: string, password = 'any-password', browser = new Browser()): Promise<Browser> {
    // Node's fetch sends `Sec-Fetch-Mode: cors`, so the hub sets no `_xsrf`
    // cookie on the login page and, on the POST, re-signs the expected token
    // with a timestamp in whole seconds: a GET and POST that straddle a second
    // get 403 "XSRF cookie does not match". Retrying with a fresh form is safe.
    for (let attempt = 1; ; attempt++) {
      const { response: form } = await browser.fetch(`${this.url}/hub/login`);
      const xsrf = /name="_xsrf" value="([^"]+)"/.exec(await form.text())?.[1];
      if (!xsrf) throw new Error(`hub login form without _xsrf (status ${form.status})`);
      const { response } = await browser.fetch(`${this.url}/hub/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: name, password, _xsrf: xsrf }).toString(),
        follow: false,
      });
      await response.body?.cancel();
      if (response.status === 302) return browser;
      if (response.status !== 403 || attempt >= 3)
        throw new Error(`hub login for ${name}: ${response.status}`);
    }
  }

  /**
   * SIGKILLs the hub process alone, as when a hub pod crashes: its proxy
   * (configurable-http-proxy) keeps running and answers for it. {@link start}
   * brings the hub back; it stops the orphaned proxy first, as does {@link stop}.
   */
  async crash(): Promise<void> {
    this.process?.child.kill('SIGKILL');
    await this.process?.exited;
  }

  async stop(options: { keepFiles?: boolean } = {}): Promise<void> {
    await this.process?.stop();
    this.stopOrphanedProxy();
    if (!options.keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }

  /** A hub that exits cleanly removes its proxy's pid file; one left behind names a proxy still running. */
  private stopOrphanedProxy(): void {
    let pid = NaN;
    try {
      pid = Number(readFileSync(join(this.dir, 'jupyterhub-proxy.pid'), 'utf8').trim());
    } catch {
      return;
    }
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }
}

/** Registers the token in a `POST .../tokens` answer as a secret. */
async function registerMintedToken(res: Response): Promise<void> {
  const body = (await res.json().catch(() => undefined)) as { token?: unknown } | undefined;
  if (typeof body?.token === 'string') registerSecret('hub-api-token', body.token);
}

// Settings come from JSON so nothing user-supplied is spliced into Python.
const baseConfig = `
import json, os
s = json.load(open(os.environ["TURING_HUB_SETTINGS"]))
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = s["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s["hubPort"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s['proxyApiPort']}"
c.ConfigurableHTTPProxy.command = [s["chp"]]
c.JupyterHub.db_url = "sqlite:///" + os.path.join(s["dir"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(s["dir"], "jupyterhub_cookie_secret")
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = set(s["adminUsers"])
c.JupyterHub.spawner_class = "simple"
# Fresh homes per hub, so no JupyterLab workspace leaks between runs.
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(s["dir"], "home", "{username}")
if os.getuid() == 0:
    # CI and the dev machines run as root; jupyter-server refuses root without this.
    c.Spawner.args = ["--allow-root"]
c.JupyterHub.services = s["services"]
c.JupyterHub.load_roles = s["roles"]
c.JupyterHub.load_groups = s["groups"]
c.JupyterHub.custom_scopes = s["customScopes"]
c.JupyterHub.cleanup_servers = True
`;
