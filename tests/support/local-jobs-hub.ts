import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import type { JupyterHub } from './jupyterhub.js';
import { startInProcessHubProxy, type InProcessHubProxy } from './in-process-hub-proxy.js';
import { freePort } from './ports.js';
import { turingHub } from './turing-hub.js';

/** A real JupyterHub with hub-proxy in process on the local jobs runtime, and users with API tokens. */
export interface LocalJobsHub {
  hub: JupyterHub;
  proxy: InProcessHubProxy;
  /** Hub API token of each user asked for, by name. */
  tokens: Record<string, string>;
  /** Stops hub-proxy, then the hub, and removes `dir`. */
  stop(): Promise<void>;
}

/**
 * Starts the hub on a free port with hub-proxy as its `turing` service,
 * keeping job state and artifacts under `dir` (`state/`, `artifacts/`), then
 * creates `users`. `env` adds hub-proxy settings on top of those. A failed
 * start stops what it had started.
 */
export async function startLocalJobsHub(options: {
  serviceToken: string;
  dir: string;
  users?: readonly string[];
  env?: Record<string, string>;
  logDestination?: DestinationStream;
}): Promise<LocalJobsHub> {
  const { serviceToken, dir } = options;
  const port = await freePort();
  const hub = turingHub({ apiToken: serviceToken, url: `http://127.0.0.1:${port}` });
  let proxy: InProcessHubProxy | undefined;
  const stop = async () => {
    await proxy?.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await hub.start();
    proxy = await startInProcessHubProxy(hub, {
      serviceToken,
      port,
      env: {
        TURING_JOBS_STATE_DIR: join(dir, 'state'),
        TURING_ARTIFACTS_DIR: join(dir, 'artifacts'),
        ...options.env,
      },
      ...(options.logDestination ? { logDestination: options.logDestination } : {}),
    });
    const tokens: Record<string, string> = {};
    for (const user of options.users ?? []) {
      await hub.createUser(user);
      tokens[user] = await hub.tokenFor(user);
    }
    return { hub, proxy, tokens, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
