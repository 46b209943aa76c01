import type { ConcurrencyPolicy } from './model.js';

/**
 * What both runtimes do at a tick of a job's schedule, and how a tick's run
 * is named so it starts once however often, and by whichever replica, the
 * tick is handled.
 */

/** What a schedule tick does about the job's runs that are still active. */
export type TickDecision = 'start' | 'skip' | 'replace';

/**
 * CronJob semantics: with nothing active a tick starts a run; otherwise
 * `allow` starts another, `forbid` skips this tick, and `replace` cancels
 * the active runs and then starts one.
 */
export function tickDecision(policy: ConcurrencyPolicy, activeRuns: number): TickDecision {
  if (activeRuns === 0 || policy === 'allow') return 'start';
  return policy === 'forbid' ? 'skip' : 'replace';
}

const TICK_MARK = '-s';

/**
 * The run id of the tick at `at` (rounded down to the minute), so a tick
 * handled twice starts one run: `<object>-s<minutes since the epoch, base36>`.
 */
export function scheduledRunId(objectName: string, at: Date): string {
  return `${objectName}${TICK_MARK}${Math.floor(at.getTime() / 60_000).toString(36)}`;
}

/** The tick a {@link scheduledRunId} of `objectName` stands for; undefined for any other id. */
export function scheduledRunTime(objectName: string, runId: string): Date | undefined {
  const prefix = `${objectName}${TICK_MARK}`;
  if (!runId.startsWith(prefix)) return undefined;
  const minutes = runId.slice(prefix.length);
  if (!/^[0-9a-z]{1,8}$/.test(minutes)) return undefined;
  return new Date(Number.parseInt(minutes, 36) * 60_000);
}
