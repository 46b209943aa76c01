import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where hub-proxy refuses to send webhooks, whatever a user asks: link-local
 * addresses (cloud metadata services answer at 169.254.169.254 and fd00:ec2::254
 * style link-local ranges), unspecified and multicast addresses. Private
 * ranges stay allowed: in-cluster alert receivers are common.
 */
const DENIED = new BlockList();
DENIED.addSubnet('169.254.0.0', 16, 'ipv4');
DENIED.addSubnet('0.0.0.0', 8, 'ipv4');
DENIED.addSubnet('224.0.0.0', 4, 'ipv4');
DENIED.addSubnet('fe80::', 10, 'ipv6');
DENIED.addSubnet('ff00::', 8, 'ipv6');
DENIED.addAddress('::', 'ipv6');

/** True if `address` (IPv4 or IPv6 text) is in a denied range. */
export function isDeniedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return DENIED.check(mapped[1], 'ipv4');
  return DENIED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why hub-proxy will not call `url`, or undefined when it may: its host is,
 * or resolves to, a denied address. DNS failures are left to the
 * reachability check, which reports them readably.
 */
export async function webhookPolicyProblem(
  url: string,
  resolve: (host: string) => Promise<string[]> = async (host) =>
    (await lookup(host, { all: true })).map((a) => a.address),
): Promise<string | undefined> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return 'not a valid URL';
  }
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return undefined;
  }
  const denied = addresses.find(isDeniedAddress);
  return denied === undefined
    ? undefined
    : `its address ${denied} is link-local, unspecified or multicast, where webhooks are not allowed`;
}
