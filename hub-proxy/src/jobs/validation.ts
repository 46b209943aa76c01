import type { Catalog, Environment } from '../environments/index.js';
import type { FieldError } from '../errors/index.js';
import { scheduleErrors } from './cron.js';
import type { AlertSpec, NotebookJobSpec } from './model.js';
import { parseQuantity } from '../k8s/quantity.js';
import { WEBHOOK_NOT_ALLOWED } from './lifecycle/webhook-policy.js';

/**
 * Checks a webhook before a job is saved; see `lifecycle/alert-webhooks.ts`.
 * `reason` is for the server log: users are never told it.
 */
export type WebhookCheck = (
  url: string,
) => Promise<{ reachable: true } | { reachable: false; reason: string }>;

/** The resources a job asked for, before defaults. */
export interface RequestedResources {
  cpu?: string | undefined;
  memory?: string | undefined;
  gpus?: number | undefined;
  gpuType?: string | undefined;
}

/** An environment with the resources resolved against it, or the field errors. */
export type ResolvedEnvironment =
  | { ok: true; environment: Environment; resources: NotebookJobSpec['resources'] }
  | { ok: false; errors: FieldError[] };

/**
 * Resolves `environment` in the catalog and fills the resources from its
 * defaults, checking them against its maxima and GPU choices.
 */
export function resolveEnvironment(
  catalog: Catalog,
  environmentId: string,
  requested: RequestedResources,
): ResolvedEnvironment {
  const environment = catalog.environments.find((e) => e.id === environmentId);
  if (!environment) {
    return {
      ok: false,
      errors: [
        {
          field: 'body.environment',
          message: `Unknown environment "${environmentId}"; choose one of ${catalog.environments.map((e) => e.id).join(', ')}.`,
        },
      ],
    };
  }
  const errors: FieldError[] = [];
  const cpu = requested.cpu ?? environment.resources.cpu.default;
  const memory = requested.memory ?? environment.resources.memory.default;
  for (const [field, value, max] of [
    ['cpu', cpu, environment.resources.cpu.max],
    ['memory', memory, environment.resources.memory.max],
  ] as const) {
    if ((parseQuantity(value) ?? 0) > (parseQuantity(max) ?? Infinity)) {
      errors.push({
        field: `body.resources.${field}`,
        message: `${value} is over this environment's maximum of ${max}.`,
      });
    }
  }
  const gpus = requested.gpus ?? 0;
  let gpuType: string | undefined;
  if (gpus > 0) {
    if (!environment.gpu) {
      errors.push({
        field: 'body.resources.gpus',
        message: `Environment "${environment.id}" is CPU-only; choose a GPU environment or 0 GPUs.`,
      });
    } else {
      if (!environment.gpu.counts.includes(gpus)) {
        errors.push({
          field: 'body.resources.gpus',
          message: `${gpus} GPUs is not offered; choose one of ${environment.gpu.counts.join(', ')}.`,
        });
      }
      gpuType = requested.gpuType ?? environment.gpu.types[0];
      if (gpuType !== undefined && !environment.gpu.types.includes(gpuType)) {
        errors.push({
          field: 'body.resources.gpuType',
          message: `GPU type "${gpuType}" is not offered here; choose one of ${environment.gpu.types.join(', ')}.`,
        });
      }
    }
  } else if (requested.gpuType !== undefined) {
    errors.push({ field: 'body.resources.gpuType', message: 'A GPU type needs at least 1 GPU.' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    environment,
    resources: { cpu, memory, gpus, ...(gpuType !== undefined ? { gpuType } : {}) },
  };
}

/** Field errors of a schedule (`body.schedule.*`). */
export function scheduleFieldErrors(
  schedule: { cron: string; timezone: string } | null | undefined,
): FieldError[] {
  return schedule ? scheduleErrors(schedule.cron, schedule.timezone, 'body.schedule') : [];
}

/**
 * Dependencies must name other existing jobs of the same owner, and must not
 * close a cycle (`graph` maps each existing job to what it depends on).
 */
export function dependencyErrors(
  jobName: string,
  dependsOn: string[],
  graph: ReadonlyMap<string, readonly string[]>,
): FieldError[] {
  const errors: FieldError[] = [];
  dependsOn.forEach((upstream, index) => {
    const field = `body.dependsOn[${index}]`;
    if (upstream === jobName) errors.push({ field, message: 'A job cannot depend on itself.' });
    else if (!graph.has(upstream)) errors.push({ field, message: `You have no job named "${upstream}".` });
    else if (reaches(graph, upstream, jobName)) {
      errors.push({
        field,
        message: `"${upstream}" already runs after "${jobName}"; this would make a cycle.`,
      });
    }
  });
  return errors;
}

function reaches(graph: ReadonlyMap<string, readonly string[]>, from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (name === target) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(graph.get(name) ?? []));
  }
  return false;
}

/**
 * Checks every webhook in parallel; refused or unreachable ones become
 * `body.alerts[i].webhook` errors, all with the same message so that job
 * creation cannot tell a private address from a closed port or a timeout.
 */
export async function webhookErrors(alerts: AlertSpec[], check: WebhookCheck): Promise<FieldError[]> {
  const results = await Promise.all(alerts.map((alert) => check(alert.webhook)));
  return results.flatMap((result, index) =>
    result.reachable
      ? []
      : [
          {
            field: `body.alerts[${index}].webhook`,
            message: WEBHOOK_NOT_ALLOWED,
          },
        ],
  );
}
