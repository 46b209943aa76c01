/** The result of one readiness check. */
export interface ReadinessResult {
  name: string;
  ok: boolean;
  detail?: string;
}

/**
 * A readiness check: resolves with its result (throwing counts as not ready).
 * The k8s layer contributes e.g. "informers synced"; this module has "hub reachable".
 */
export type ReadinessCheck = () => Promise<ReadinessResult>;

/** The overall verdict plus each check's result. */
export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessResult[];
}

/** Runs all checks concurrently, each bounded by `timeoutMs`. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs = 3_000,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check, i): Promise<ReadinessResult> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ReadinessResult>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              name: check.name || `check-${i}`,
              ok: false,
              detail: `timed out after ${timeoutMs} ms`,
            }),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([check(), timeout]);
      } catch (err) {
        return { name: check.name || `check-${i}`, ok: false, detail: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every((r) => r.ok), checks: results };
}

/** "hub reachable": the hub REST API answers. */
export function hubReachableCheck(hub: { ping(): Promise<{ ok: boolean; detail: string }> }): ReadinessCheck {
  return async () => ({ name: 'hub', ...(await hub.ping()) });
}

/** Fails once shutdown has begun, so load balancers stop sending new requests. */
export function notShuttingDownCheck(isShuttingDown: () => boolean): ReadinessCheck {
  return async () =>
    isShuttingDown()
      ? { name: 'shutdown', ok: false, detail: 'shutting down' }
      : { name: 'shutdown', ok: true };
}
