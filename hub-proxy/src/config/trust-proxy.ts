import { isIP } from 'node:net';
import { z } from 'zod';

/** The ranges proxy-addr (express `trust proxy`) knows by name. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR (`10.0.0.0/8`, `fd00::/8`), an address with a netmask, or a named range. */
function isTrustedPeer(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', suffix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (suffix === undefined) return true;
  if (/^\d{1,3}$/.test(suffix)) return Number(suffix) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(suffix) === 4;
}

/** Environment values are strings: `true`, `false`, a hop count, or a comma-separated list. */
function fromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\d+$/.test(text)) return Number(text);
  return text.split(',').map((part) => part.trim());
}

/**
 * Which peers' `X-Forwarded-*` headers hub-proxy believes, with express's
 * `trust proxy` semantics: `false` (the default: none; a client could send
 * them), `true` (any peer: only when nothing but the hub's proxy can reach
 * the listener), a hop count, or the proxies' addresses, CIDRs or the names
 * `loopback`, `linklocal`, `uniquelocal`. It decides `req.secure`, and so
 * whether cookies are `Secure`.
 */
export const trustProxySchema = z.preprocess(
  fromText,
  z.union([
    z.boolean(),
    z.number().int().min(0).max(100),
    z
      .array(
        z.string().refine(isTrustedPeer, {
          error: 'must be an IP address, a CIDR, or one of loopback, linklocal, uniquelocal',
        }),
      )
      .min(1),
  ]),
);

/** The parsed setting, as express's `app.set('trust proxy', ...)` takes it. */
export type TrustProxy = z.output<typeof trustProxySchema>;
