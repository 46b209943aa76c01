import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are handed to a child process that binds them a moment later. A
 * port from the kernel's ephemeral range can be taken in that moment as the
 * source port of any outgoing connection (CI saw EADDRINUSE that way), so
 * the ports come from below that range, where only explicit binds land.
 */
const LOWEST_PORT = 10_000;

/** The first port of the kernel's ephemeral range (Linux default 32768). */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > LOWEST_PORT + 1_000 ? port : 32_768;
  } catch {
    return 32_768;
  }
}

const highestPort = ephemeralRangeStart() - 1;

/** Whether `port` can be bound on loopback right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on loopback, outside the ephemeral range (see above). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = LOWEST_PORT + Math.floor(Math.random() * (highestPort - LOWEST_PORT + 1));
    if (await canBind(port)) {
      return port;
    }
  }
  throw new Error(`no free port between ${LOWEST_PORT} and ${highestPort} after 200 tries`);
}
