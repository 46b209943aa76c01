import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { Forbidden } from '../../errors/index.js';
import { requestContext } from '../../http/context.js';
import type { RouteDefinition } from '../../http/route.js';

/** The variable that lets several hub users share the local runtime. */
export const UNSAFE_MULTIUSER_ENV = 'TURING_LOCAL_RUNTIME_UNSAFE_MULTIUSER';

/** Where the bound user is kept, so a restart does not hand the runtime to whoever comes next. */
const BINDING_FILE = 'local-runtime-user.json';

/** Options of {@link LocalRuntimeSingleUserGate}. */
export interface SingleUserGateOptions {
  /** The local runtime's state directory; holds the binding. */
  stateDir: string;
  /** `jobs.localRuntimeUser`: the one user admitted. Unset: the first user to arrive is bound. */
  configuredUser?: string;
}

/**
 * Keeps the local runtime to one hub user. Its runs are subprocesses of
 * hub-proxy under hub-proxy's own OS user, so a notebook cell can read
 * whatever hub-proxy can: every user's state and artifacts, and the
 * processes of hub-proxy itself. The first user to use jobs (or the
 * configured one) is bound, on disk; anyone else is refused with 403
 * naming {@link UNSAFE_MULTIUSER_ENV}. Checked per request rather than by
 * counting the hub's users at start, so users added later are refused too.
 */
export class LocalRuntimeSingleUserGate {
  private binding?: Promise<string>;

  constructor(private readonly options: SingleUserGateOptions) {}

  /** Resolves if `user` may use the local runtime; throws {@link Forbidden} otherwise. */
  async admit(user: string): Promise<void> {
    const bound = await this.boundUser(user);
    if (bound !== user) throw refusal();
  }

  /** The bound user; binds `candidate` when nobody is bound yet. */
  boundUser(candidate?: string): Promise<string | undefined> {
    if (this.options.configuredUser) return Promise.resolve(this.options.configuredUser);
    if (this.binding) return this.binding;
    if (candidate === undefined) return readBinding(this.path);
    const binding = bind(this.path, this.options.stateDir, candidate);
    this.binding = binding;
    // A failed write (full disk, say) must not stick: the next request tries again.
    binding.catch(() => {
      if (this.binding === binding) this.binding = undefined;
    });
    return binding;
  }

  private get path(): string {
    return join(this.options.stateDir, BINDING_FILE);
  }
}

/**
 * `routes` with `gate` checked after authentication and before each
 * handler. Only for routes that require a user (`auth` not `none`).
 */
export function singleUserRoutes(
  routes: RouteDefinition[],
  gate: LocalRuntimeSingleUserGate,
): RouteDefinition[] {
  const check: RequestHandler = (req, _res, next) => {
    const identity = requestContext(req).identity;
    if (!identity) {
      next(new Error('single-user gate on a route without authentication'));
      return;
    }
    gate.admit(identity.name).then(() => next(), next);
  };
  return routes.map((route) => ({ spec: route.spec, handlers: [check, ...route.handlers] }));
}

function refusal(): Forbidden {
  return new Forbidden(
    'This hub-proxy uses the local job runtime, which runs notebooks as its own OS user and is ' +
      'for one person; another hub user already uses it. Clusters use runtime: kubernetes. To let ' +
      `several users share it anyway, set ${UNSAFE_MULTIUSER_ENV}=1 (jobs.localRuntimeUnsafeMultiUser): ` +
      "then every user's notebooks can read every other user's jobs, outputs and hub-proxy's secrets.",
    { code: 'local-runtime-single-user', title: 'Local Runtime Is Single-User' },
  );
}

/** Binds `user` unless someone already is: an exclusive create, so two racing requests agree. */
async function bind(path: string, stateDir: string, user: string): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  try {
    await writeFile(path, `${JSON.stringify({ user })}\n`, { flag: 'wx', mode: 0o600 });
    return user;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const bound = await readBinding(path);
  if (bound === undefined) throw new Error(`${path} names no user`);
  return bound;
}

async function readBinding(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const user = (JSON.parse(text) as { user?: unknown }).user;
  return typeof user === 'string' && user !== '' ? user : undefined;
}
