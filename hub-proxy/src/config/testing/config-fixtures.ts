import { ConfigError } from '../load.js';

/** A readFile that finds nothing, so only the environment counts. */
export const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

/** What JupyterHub gives a managed `turing` service. */
export const managedEnv = {
  JUPYTERHUB_API_TOKEN: 'managed-token-123',
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api',
  JUPYTERHUB_SERVICE_PREFIX: '/services/turing/',
  JUPYTERHUB_CLIENT_ID: 'service-turing',
  JUPYTERHUB_OAUTH_CALLBACK_URL: '/services/turing/oauth_callback',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
  JUPYTERHUB_BASE_URL: '/',
};

/** The ConfigError `load` throws for `env`; fails the test if it loads. */
export function configErrorOf(
  load: (sources: { env: Record<string, string>; readFile: (path: string) => string }) => unknown,
  env: Record<string, string>,
  readFile = noFiles,
): ConfigError {
  try {
    load({ env, readFile });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
