import { isIP } from 'node:net';

/** An IP address in canonical text with its family, as the webhook policy compares them. */
export interface IpAddress {
  address: string;
  family: 4 | 6;
}

/**
 * The 16 bytes of an IPv6 address in any valid spelling (`::`, a dotted
 * IPv4 tail, a `%zone`). Node has no public parser for this, and the
 * policy needs the bytes to find IPv4 addresses embedded in IPv6 ones.
 */
export function ipv6Bytes(text: string): Uint8Array {
  const bare = text.replace(/%.*$/, '');
  if (isIP(bare) !== 6) throw new TypeError('not an IPv6 address');
  // A dotted IPv4 tail is the last two groups written another way.
  const hexOnly = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((g) => g.toString(16)).join(':'),
  );
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head = '', tail] = hexOnly.split('::');
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  const groups = [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** The dotted IPv4 address in four bytes of `bytes` from `offset`, optionally XORed (Teredo hides its client so). */
export function ipv4At(bytes: Uint8Array, offset: number, xor = 0): string {
  return Array.from(bytes.subarray(offset, offset + 4), (b) => (b ^ xor) & 0xff).join('.');
}

/**
 * `text` as the address a socket would really reach, in one spelling: the
 * zone dropped, an IPv4-mapped IPv6 address (`::ffff:7f00:1`) turned into
 * its IPv4 one, IPv6 compressed. Undefined if `text` is not an IP address.
 */
export function canonicalAddress(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return { address: bare, family: 4 };
  if (family !== 6) return undefined;
  const bytes = ipv6Bytes(bare);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return { address: ipv4At(bytes, 12), family: 4 };
  // The URL parser writes IPv6 in one compressed lower-case form, so equal addresses compare equal.
  return { address: new URL(`http://[${bare}]/`).hostname.slice(1, -1), family: 6 };
}
