import { lookup } from 'node:dns/promises';
import { BlockList } from 'node:net';
import { defaultDeniedRange, embeddedIpv4, neverAllowedRange } from './address-ranges.js';
import { parseCidr } from './alerts-settings.js';
import { canonicalAddress, type IpAddress } from './ip-address.js';
import type { ProtectedEndpoint } from './protected-endpoints.js';

/**
 * What users are told about a webhook hub-proxy will not call, whatever the
 * reason: saying "private address", "connection refused" or "timed out"
 * would turn job creation into a scanner of the cluster network.
 */
export const WEBHOOK_NOT_ALLOWED = 'The webhook URL is not allowed or not reachable.';

/** Resolves a host name to its IP addresses (the system resolver, or a test's). */
export type HostResolver = (host: string) => Promise<string[]>;

/** The system resolver: every address getaddrinfo gives, in its order. */
export const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((answer) => answer.address);

/** A webhook the policy allowed: the URL and the one address it checked, which is where to connect. */
export interface WebhookTarget {
  url: URL;
  /** The URL's host without brackets: the `Host` header and the TLS server name. */
  hostname: string;
  /** The checked address; connect here and nowhere else (DNS may answer differently next time). */
  address: string;
  family: 4 | 6;
  port: number;
}

/** The policy's answer; `reason` is for the server log only and never contains the URL's path. */
export type WebhookVerdict = { allowed: true; target: WebhookTarget } | { allowed: false; reason: string };

/** Options of {@link WebhookPolicy}. */
export interface WebhookPolicyOptions {
  /** Host names allowed whatever they resolve to (except never-allowed addresses and protected endpoints). */
  allowedHosts?: readonly string[];
  /** Address blocks opened although they are not public (see `alerts-settings.ts`). */
  allowedCidrs?: readonly string[];
  /** The hub, hub-proxy and the Kubernetes API: refused even inside an allowed block. */
  protectedEndpoints?: readonly ProtectedEndpoint[];
  resolve?: HostResolver;
  /** Bound on one name lookup. */
  resolveTimeoutMs?: number;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const familyName = (ip: IpAddress) => (ip.family === 4 ? 'ipv4' : 'ipv6');

/** Whether a socket to `a` could land where `b` listens: the same address, or both loopback. */
function sameHost(a: IpAddress, b: IpAddress): boolean {
  if (a.address === b.address) return true;
  const inner = a.family === 6 ? embeddedIpv4(a.address) : undefined;
  if (inner !== undefined && inner === b.address) return true;
  return LOOPBACK.check(a.address, familyName(a)) && LOOPBACK.check(b.address, familyName(b));
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides whether hub-proxy may send a job's alert to a URL, and to which
 * address. The host is resolved once and every address it resolves to is
 * checked; the caller then connects to the returned address only, so a DNS
 * answer that changes between check and connect (rebinding) cannot move
 * the request. Refused: non-public addresses unless allowed, names that do
 * not resolve, and the hub's, hub-proxy's and the Kubernetes API's own
 * endpoints. See `address-ranges.ts` for the ranges.
 */
export class WebhookPolicy {
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly allowedCidrs = new BlockList();
  private readonly resolve: HostResolver;

  constructor(private readonly options: WebhookPolicyOptions = {}) {
    this.allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, '')));
    for (const text of options.allowedCidrs ?? []) {
      const cidr = parseCidr(text);
      if (!cidr) throw new TypeError(`not a CIDR block: ${text}`);
      this.allowedCidrs.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Checks `rawUrl`; never throws. */
  async check(rawUrl: string): Promise<WebhookVerdict> {
    const url = parseHttpUrl(rawUrl);
    if (!url) return { allowed: false, reason: 'not an http(s) URL' };
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const literal = canonicalAddress(hostname);
    let addresses: IpAddress[];
    if (literal) {
      addresses = [literal];
    } else {
      try {
        addresses = (await this.lookup(hostname)).flatMap((a) => canonicalAddress(a) ?? []);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return {
          allowed: false,
          reason: `host name lookup failed${typeof code === 'string' ? ` (${code})` : ''}`,
        };
      }
      if (addresses.length === 0) return { allowed: false, reason: 'host name has no addresses' };
    }
    const where = (ip: IpAddress) =>
      literal ? `address ${ip.address}` : `${hostname} resolves to ${ip.address}`;

    const hostAllowed = this.allowedHosts.has(hostname.toLowerCase().replace(/\.$/, ''));
    const own = await this.protectedAt(port);
    for (const ip of addresses) {
      const never = neverAllowedRange(ip);
      if (never) return { allowed: false, reason: `${where(ip)}, which is ${never}` };
      const endpoint = own.find(
        (candidate) =>
          candidate.names.has(hostname.toLowerCase()) || candidate.ips.some((p) => sameHost(ip, p)),
      );
      if (endpoint) return { allowed: false, reason: `${where(ip)} port ${port}, which is ${endpoint.what}` };
      if (hostAllowed || this.allowedCidrs.check(ip.address, familyName(ip))) continue;
      const denied = defaultDeniedRange(ip);
      if (denied)
        return { allowed: false, reason: `${where(ip)}, which is ${denied} and not in alerts.allowedCidrs` };
    }
    const [first] = addresses as [IpAddress, ...IpAddress[]];
    return { allowed: true, target: { url, hostname, address: first.address, family: first.family, port } };
  }

  /** A name lookup bounded by `resolveTimeoutMs`: a hung resolver must not hang job creation. */
  private async lookup(hostname: string): Promise<string[]> {
    const timeoutMs = this.options.resolveTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.resolve(hostname), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The protected endpoints on `port`, with their names and addresses (names resolved now; failures ignored). */
  private async protectedAt(port: number): Promise<{ what: string; names: Set<string>; ips: IpAddress[] }[]> {
    const onPort = (this.options.protectedEndpoints ?? []).filter((endpoint) => endpoint.port === port);
    return Promise.all(
      onPort.map(async (endpoint) => {
        const literal = canonicalAddress(endpoint.host);
        const answers = literal ? [] : await this.lookup(endpoint.host).catch(() => [] as string[]);
        const ips = literal ? [literal] : answers.flatMap((a) => canonicalAddress(a) ?? []);
        const names = new Set(literal ? [] : [endpoint.host.toLowerCase()]);
        return { what: endpoint.what, names, ips };
      }),
    );
  }
}
