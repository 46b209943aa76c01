import { isIP } from 'node:net';
import { z } from 'zod';

/** One CIDR block: a network address and its prefix length. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Reads `10.0.0.0/8`, `fd00::/8`, or a bare address (a single host); undefined if it is none of them. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  const version = isIP(match[1]);
  if (version === 0) return undefined;
  const bits = version === 4 ? 32 : 128;
  const prefix = match[2] === undefined ? bits : Number(match[2]);
  if (prefix > bits) return undefined;
  return { address: match[1], prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** DNS names as in a URL (letters, digits, hyphens; a trailing dot is dropped) or an IP address. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((host) => host.replace(/\.$/, ''))
  .refine(
    (host) => HOST_NAME.test(host) || isIP(host) !== 0,
    'must be a host name or IP address, without scheme or port',
  );

const cidr = z
  .string()
  .trim()
  .refine((text) => parseCidr(text) !== undefined, 'must be an IP address or CIDR block, e.g. 10.20.0.0/16');

/** An environment variable holds a comma-separated list; the config file holds a JSON array. */
function commaList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : value,
    z.array(item),
  );
}

/**
 * `alerts`: the receivers an admin opens to job alert webhooks. By default
 * webhooks may only reach public addresses (see `webhook-policy.ts`); these
 * lists let in-cluster or on-premise receivers in on purpose.
 */
export const alertsSettingsSchema = z.strictObject({
  /** Host names (exact, case-insensitive) allowed whatever address they resolve to. */
  allowedHosts: commaList(hostName).default([]),
  /** Address blocks webhooks may reach even though they are private, loopback, link-local, ... */
  allowedCidrs: commaList(cidr).default([]),
});

/** The validated `alerts` settings. */
export type AlertsSettings = z.output<typeof alertsSettingsSchema>;

/** The `alerts` config key with its defaults (nothing extra allowed). */
export const alertsSettingsField = alertsSettingsSchema.default({ allowedHosts: [], allowedCidrs: [] });

/** Environment variables of the `alerts` fields (comma-separated lists). */
export const ALERTS_ENV = {
  allowedHosts: 'TURING_ALERTS_ALLOWED_HOSTS',
  allowedCidrs: 'TURING_ALERTS_ALLOWED_CIDRS',
};
