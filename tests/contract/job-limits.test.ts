import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { JOB_LIMITS } from '../../extensions/client/src/job-limits.js';
import {
  alertSchema,
  jobNameSchema,
  modelRolloutSchema,
  patchJobBodySchema,
  scheduleSchema,
} from '../../hub-proxy/src/jobs/index.js';
// Not re-exported by the feature index: the limits are deployment settings.
import { jobLimitsSchema } from '../../hub-proxy/src/jobs/limits-config.js';

// The browser checks a job against JOB_LIMITS before sending it; these probes
// hold each constant to hub-proxy's schema: the bound passes, one past fails.

const passes = (schema: z.ZodType, value: unknown): boolean => schema.safeParse(value).success;

/** A patch of one field: every field of the patch schema is optional. */
const patch = (field: string, value: unknown): boolean => passes(patchJobBodySchema, { [field]: value });

const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `job-${i}`);
const parameters = (count: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, i]));
const alerts = (count: number) =>
  Array.from({ length: count }, () => ({ on: ['failure'], webhook: 'https://hooks.example/x' }));
/** An http(s) URL exactly `length` characters long. */
const urlOfLength = (length: number): string => {
  const prefix = 'https://hooks.example/';
  return prefix + 'a'.repeat(length - prefix.length);
};

describe('job limits the browser checks', () => {
  it('bounds the timeout in seconds as hub-proxy does (7 days)', () => {
    expect(JOB_LIMITS.timeoutMaxSeconds).toBe(604_800);
    expect(patch('timeoutSeconds', JOB_LIMITS.timeoutMaxSeconds)).toBe(true);
    expect(patch('timeoutSeconds', JOB_LIMITS.timeoutMaxSeconds + 1)).toBe(false);
    expect(patch('timeoutSeconds', JOB_LIMITS.timeoutMinSeconds)).toBe(true);
    expect(patch('timeoutSeconds', JOB_LIMITS.timeoutMinSeconds - 1)).toBe(false);
  });

  it('bounds retries', () => {
    expect(patch('retries', JOB_LIMITS.retriesMax)).toBe(true);
    expect(patch('retries', JOB_LIMITS.retriesMax + 1)).toBe(false);
    expect(patch('retries', 0)).toBe(true);
    expect(patch('retries', -1)).toBe(false);
  });

  it('bounds the job name length', () => {
    expect(passes(jobNameSchema, 'a'.repeat(JOB_LIMITS.nameMaxLength))).toBe(true);
    expect(passes(jobNameSchema, 'a'.repeat(JOB_LIMITS.nameMaxLength + 1))).toBe(false);
  });

  it('bounds the number of parameters, dependencies and alerts', () => {
    expect(patch('parameters', parameters(JOB_LIMITS.parametersMax))).toBe(true);
    expect(patch('parameters', parameters(JOB_LIMITS.parametersMax + 1))).toBe(false);
    expect(patch('dependsOn', names(JOB_LIMITS.dependsOnMax))).toBe(true);
    expect(patch('dependsOn', names(JOB_LIMITS.dependsOnMax + 1))).toBe(false);
    expect(patch('alerts', alerts(JOB_LIMITS.alertsMax))).toBe(true);
    expect(patch('alerts', alerts(JOB_LIMITS.alertsMax + 1))).toBe(false);
  });

  it('bounds the lengths of the webhook, the cron expression and the time zone', () => {
    const alert = (webhook: string) => passes(alertSchema, { on: ['failure'], webhook });
    expect(alert(urlOfLength(JOB_LIMITS.webhookMaxLength))).toBe(true);
    expect(alert(urlOfLength(JOB_LIMITS.webhookMaxLength + 1))).toBe(false);
    const schedule = (cron: string, timezone: string) => passes(scheduleSchema, { cron, timezone });
    expect(schedule('*'.repeat(JOB_LIMITS.cronMaxLength), 'UTC')).toBe(true);
    expect(schedule('*'.repeat(JOB_LIMITS.cronMaxLength + 1), 'UTC')).toBe(false);
    expect(schedule('0 2 * * *', 'Z'.repeat(JOB_LIMITS.timezoneMaxLength))).toBe(true);
    expect(schedule('0 2 * * *', 'Z'.repeat(JOB_LIMITS.timezoneMaxLength + 1))).toBe(false);
  });

  it('bounds GPUs, the history and the notebook path', () => {
    expect(patch('resources', { gpus: JOB_LIMITS.gpusMax })).toBe(true);
    expect(patch('resources', { gpus: JOB_LIMITS.gpusMax + 1 })).toBe(false);
    expect(patch('historyLimit', JOB_LIMITS.historyLimitMax)).toBe(true);
    expect(patch('historyLimit', JOB_LIMITS.historyLimitMax + 1)).toBe(false);
    expect(patch('historyLimit', JOB_LIMITS.historyLimitMin)).toBe(true);
    expect(patch('historyLimit', JOB_LIMITS.historyLimitMin - 1)).toBe(false);
    const notebook = (path: string) => patch('notebook', { path, content: {} });
    expect(notebook('n'.repeat(JOB_LIMITS.notebookPathMaxLength))).toBe(true);
    expect(notebook('n'.repeat(JOB_LIMITS.notebookPathMaxLength + 1))).toBe(false);
  });

  it('bounds the canary share of a published model version', () => {
    const canary = (percent: number) => passes(modelRolloutSchema, { kind: 'canary', percent });
    expect(canary(JOB_LIMITS.canaryPercentMin)).toBe(true);
    expect(canary(JOB_LIMITS.canaryPercentMin - 1)).toBe(false);
    expect(canary(JOB_LIMITS.canaryPercentMax)).toBe(true);
    expect(canary(JOB_LIMITS.canaryPercentMax + 1)).toBe(false);
  });

  it("states hub-proxy's default parameters size limit", () => {
    expect(jobLimitsSchema.parse({}).maxParametersBytes).toBe(JOB_LIMITS.parametersDefaultMaxBytes);
  });
});
