import type { Config } from './schema.js';

/**
 * hub-proxy's own URL under its service prefix, as seen from this machine:
 * the listen address, with a wildcard host replaced by loopback. Pods reach
 * hub-proxy through a configured URL instead; this suits the local runtime.
 */
export function selfServiceUrl(config: Pick<Config, 'listenHost' | 'listenPort' | 'servicePrefix'>): string {
  const host = ['0.0.0.0', '::', ''].includes(config.listenHost) ? '127.0.0.1' : config.listenHost;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `http://${bracketed}:${config.listenPort}${config.servicePrefix}`;
}
