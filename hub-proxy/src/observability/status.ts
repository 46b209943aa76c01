/** Supplies one section of the admin status document; may be async; errors are reported, not thrown. */
export type StatusProvider = () => unknown;

/** Basic facts about this process. */
export interface ProcessInfo {
  pid: number;
  nodeVersion: string;
  uptimeSeconds: number;
  startedAt: string;
  memory: { rssBytes: number; heapUsedBytes: number };
}

/** Describes the running process. */
export function processInfo(): ProcessInfo {
  const memory = process.memoryUsage();
  return {
    pid: process.pid,
    nodeVersion: process.version,
    uptimeSeconds: Math.round(process.uptime()),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
  };
}

/** Calls every provider; a failing one yields `{ error }` instead of failing the whole document. */
export async function collectStatus(
  providers: Record<string, StatusProvider>,
): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(providers).map(async ([name, provide]) => {
      try {
        return [name, await provide()] as const;
      } catch (err) {
        return [name, { error: (err as Error).message }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
