import { BlockList } from 'node:net';
import { ipv4At, ipv6Bytes, type IpAddress } from './ip-address.js';

/**
 * Which addresses webhooks may not reach. Two tiers:
 *
 * - never: unspecified, multicast, broadcast and reserved addresses, which
 *   are no receiver's address whatever an admin allows (0.0.0.0 even
 *   connects to the local host);
 * - by default: everything that is not public internet (loopback, private,
 *   CGNAT, link-local with the cloud metadata services, unique-local,
 *   documentation, ...). `alerts.allowedCidrs` and `alerts.allowedHosts` open
 *   these for receivers an admin wants.
 *
 * IPv6 addresses that carry an IPv4 address (NAT64, 6to4) are judged by
 * that IPv4 address, since that is where a gateway would deliver them.
 */

interface Range {
  network: string;
  prefix: number;
  label: string;
}

function blockListOf(ranges: readonly Range[], family: 'ipv4' | 'ipv6') {
  return ranges.map((range) => {
    const list = new BlockList();
    list.addSubnet(range.network, range.prefix, family);
    return { list, label: range.label };
  });
}

const NEVER_V4 = blockListOf(
  [
    { network: '0.0.0.0', prefix: 8, label: 'unspecified' },
    { network: '224.0.0.0', prefix: 4, label: 'multicast' },
    { network: '240.0.0.0', prefix: 4, label: 'reserved or broadcast' },
  ],
  'ipv4',
);

const NEVER_V6 = blockListOf(
  [
    { network: '::', prefix: 128, label: 'unspecified' },
    { network: 'ff00::', prefix: 8, label: 'multicast' },
  ],
  'ipv6',
);

const DEFAULT_V4 = blockListOf(
  [
    { network: '10.0.0.0', prefix: 8, label: 'private' },
    { network: '100.64.0.0', prefix: 10, label: 'shared (CGNAT)' },
    { network: '127.0.0.0', prefix: 8, label: 'loopback' },
    { network: '169.254.0.0', prefix: 16, label: 'link-local' },
    { network: '172.16.0.0', prefix: 12, label: 'private' },
    { network: '192.0.0.0', prefix: 24, label: 'IETF protocol assignments' },
    { network: '192.0.2.0', prefix: 24, label: 'documentation' },
    { network: '192.88.99.0', prefix: 24, label: '6to4 relay' },
    { network: '192.168.0.0', prefix: 16, label: 'private' },
    { network: '198.18.0.0', prefix: 15, label: 'benchmarking' },
    { network: '198.51.100.0', prefix: 24, label: 'documentation' },
    { network: '203.0.113.0', prefix: 24, label: 'documentation' },
  ],
  'ipv4',
);

/** Checked only inside 2000::/3 (global unicast); everything outside it is refused as not global. */
const DEFAULT_V6 = blockListOf(
  [
    // IETF protocol assignments, Teredo (2001::/32) and ORCHID among them.
    { network: '2001::', prefix: 23, label: 'IETF protocol assignments' },
    { network: '2001:db8::', prefix: 32, label: 'documentation' },
    { network: '3fff::', prefix: 20, label: 'documentation' },
  ],
  'ipv6',
);

const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

/** Names of the usual non-global IPv6 ranges, for the log only. */
const NON_GLOBAL_V6 = blockListOf(
  [
    { network: '::1', prefix: 128, label: 'loopback' },
    { network: '::', prefix: 96, label: 'IPv4-compatible' },
    { network: '64:ff9b:1::', prefix: 48, label: 'local-use NAT64' },
    { network: 'fc00::', prefix: 7, label: 'unique-local' },
    { network: 'fe80::', prefix: 10, label: 'link-local' },
    { network: 'fec0::', prefix: 10, label: 'site-local' },
  ],
  'ipv6',
);

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');
const SIX_TO_FOUR = new BlockList();
SIX_TO_FOUR.addSubnet('2002::', 16, 'ipv6');

function firstMatch(
  lists: readonly { list: BlockList; label: string }[],
  address: string,
  family: 'ipv4' | 'ipv6',
): string | undefined {
  return lists.find(({ list }) => list.check(address, family))?.label;
}

/** The IPv4 address an IPv6 one carries for a translator (NAT64) or tunnel (6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  if (NAT64.check(address, 'ipv6')) return ipv4At(ipv6Bytes(address), 12);
  if (SIX_TO_FOUR.check(address, 'ipv6')) return ipv4At(ipv6Bytes(address), 2);
  return undefined;
}

/** Why no webhook may ever reach `ip` (unspecified, multicast, broadcast), or undefined. */
export function neverAllowedRange(ip: IpAddress): string | undefined {
  if (ip.family === 4) return firstMatch(NEVER_V4, ip.address, 'ipv4');
  const inner = embeddedIpv4(ip.address);
  if (inner !== undefined) return firstMatch(NEVER_V4, inner, 'ipv4');
  return firstMatch(NEVER_V6, ip.address, 'ipv6');
}

/** Why webhooks may not reach `ip` unless an admin allows it (loopback, private, ...), or undefined. */
export function defaultDeniedRange(ip: IpAddress): string | undefined {
  if (ip.family === 4) return firstMatch(DEFAULT_V4, ip.address, 'ipv4');
  const inner = embeddedIpv4(ip.address);
  if (inner !== undefined) {
    const label = firstMatch(DEFAULT_V4, inner, 'ipv4');
    return label === undefined ? undefined : `${label}, carried in IPv6`;
  }
  if (!GLOBAL_UNICAST_V6.check(ip.address, 'ipv6')) {
    return firstMatch(NON_GLOBAL_V6, ip.address, 'ipv6') ?? 'not global unicast';
  }
  return firstMatch(DEFAULT_V6, ip.address, 'ipv6');
}
