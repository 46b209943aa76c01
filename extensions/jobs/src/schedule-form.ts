import type {
  AlertEvent,
  ConcurrencyPolicy,
  CreateJobRequest,
  Environment,
  Job,
  JobLimits,
  NotebookSource,
  UpdateJobRequest,
} from '@turing/client';

import type { FieldErrors, FieldKey } from '@turing/ui';

import type { IntervalForm } from './interval-cron';
import { defaultInterval, intervalCron, intervalOfCron } from './interval-cron';
import { intervalErrors } from './interval-messages';
import { JOB_NAME_MAX, jobNameFromPath, validateJobName } from './job-name';
import type { ModelOutputForm } from './model-output-form';
import {
  modelOutputErrors,
  modelOutputFormOf,
  modelOutputRequest,
  newModelOutputForm,
} from './model-output-form';
import type { ParameterRow, Translate } from './parameters';
import { describeRowProblem, rowsFromParameters, rowsToParameters, validateRows } from './parameters';
import { retriesProblem, timeoutProblem, timeoutSecondsOf } from './schedule-limits';
import type { ScheduleSettings } from './settings';

/** When the job runs: now (then on demand), on a cron schedule, or only on demand / after dependencies. */
export type WhenMode = 'now' | 'schedule' | 'manual';

/** One alert row: a webhook and the outcomes it is called for. */
export interface AlertRow {
  webhook: string;
  failure: boolean;
  success: boolean;
  timeout: boolean;
}

/** Everything the Schedule dialog edits, as the user typed it. */
export interface ScheduleForm {
  name: string;
  environment: string;
  cpu: string;
  memory: string;
  gpus: number;
  /** `''`: any GPU type the environment runs on. */
  gpuType: string;
  parameters: ParameterRow[];
  when: WhenMode;
  /** The interval picker; it writes `cron` unless it is `custom`. */
  interval: IntervalForm;
  cron: string;
  timezone: string;
  retries: string;
  timeoutMinutes: string;
  concurrency: ConcurrencyPolicy;
  dependsOn: string[];
  alerts: AlertRow[];
  /** Also keep an HTML rendering (the executed notebook is always kept). */
  html: boolean;
  /** Publish each successful run's files as a model version (off by default). */
  modelOutput: ModelOutputForm;
}

/**
 * Adds a message to a field: a form field, `parameter:<name>`, `alert:<index>`,
 * `notebook` (the input itself) or `general` (the summary only).
 */
export function addError(errors: FieldErrors, field: FieldKey, message: string): void {
  (errors[field] ??= []).push(message);
}

/** A new empty alert row (failure and timeout checked: the usual wish). */
export function newAlertRow(): AlertRow {
  return { webhook: '', failure: true, success: false, timeout: true };
}

/** The form for a new job of the notebook at `path`. */
export function newJobForm(options: {
  path: string;
  parameters: ParameterRow[];
  timezone: string;
  settings: ScheduleSettings;
}): ScheduleForm {
  return {
    name: jobNameFromPath(options.path),
    environment: '',
    cpu: '',
    memory: '',
    gpus: 0,
    gpuType: '',
    parameters: options.parameters,
    when: 'now',
    interval: defaultInterval(),
    cron: intervalCron(defaultInterval()) ?? '',
    timezone: options.timezone,
    retries: String(options.settings.defaultRetries),
    timeoutMinutes: String(options.settings.defaultTimeoutMinutes),
    concurrency: options.settings.defaultConcurrency,
    dependsOn: [],
    alerts: [],
    html: false,
    modelOutput: newModelOutputForm(),
  };
}

/** The form for editing an existing job. */
export function editJobForm(job: Job, timezone: string): ScheduleForm {
  return {
    name: job.name,
    environment: job.environment,
    cpu: job.resources.cpu,
    memory: job.resources.memory,
    gpus: job.resources.gpus,
    gpuType: job.resources.gpuType ?? '',
    parameters: rowsFromParameters(job.parameters),
    when: job.schedule ? 'schedule' : 'manual',
    // A cron of a shape the picker writes opens in the picker, any other as custom cron.
    interval: job.schedule
      ? (intervalOfCron(job.schedule.cron) ?? { ...defaultInterval(), kind: 'custom' })
      : defaultInterval(),
    cron: job.schedule?.cron ?? intervalCron(defaultInterval()) ?? '',
    timezone: job.schedule?.timezone ?? timezone,
    retries: String(job.retries),
    timeoutMinutes: String(Math.round((job.timeoutSeconds / 60) * 100) / 100),
    concurrency: job.concurrency,
    dependsOn: [...job.dependsOn],
    alerts: job.alerts.map((a) => ({
      webhook: a.webhook,
      failure: a.on.includes('failure'),
      success: a.on.includes('success'),
      timeout: a.on.includes('timeout'),
    })),
    html: job.outputs.includes('html'),
    modelOutput: modelOutputFormOf(job.modelOutput),
  };
}

/** Sets the interval picker; unless it is `custom`, it writes the cron (when its values make one). */
export function withInterval(form: ScheduleForm, interval: IntervalForm): ScheduleForm {
  return { ...form, interval, cron: intervalCron(interval) ?? form.cron };
}

/**
 * Sets the cron as typed: the picker follows when the expression is one of
 * its shapes, else it switches to custom cron (keeping the text). A chosen
 * custom cron stays custom.
 */
export function withCron(form: ScheduleForm, cron: string): ScheduleForm {
  if (form.interval.kind === 'custom') {
    return { ...form, cron };
  }
  return {
    ...form,
    cron,
    interval: intervalOfCron(cron, form.interval) ?? { ...form.interval, kind: 'custom' },
  };
}

/**
 * Picks an environment: its default CPU and memory, and a GPU count it
 * offers (the smallest, or 0 for a CPU environment).
 */
export function withEnvironment(form: ScheduleForm, environment: Environment | undefined): ScheduleForm {
  if (!environment) {
    return { ...form, environment: '' };
  }
  const counts = environment.gpu?.counts ?? [];
  const types = environment.gpu?.types ?? [];
  return {
    ...form,
    environment: environment.id,
    cpu: environment.resources.cpu.default,
    memory: environment.resources.memory.default,
    gpus: counts.includes(form.gpus) ? form.gpus : (counts[0] ?? 0),
    gpuType: types.some((t) => t.id === form.gpuType) ? form.gpuType : '',
  };
}

const CPU_PATTERN = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY_PATTERN = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;

function isWebhookUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Checks what the browser can check, with hub-proxy's `limits`; hub-proxy
 * checks the rest (cron, zone, webhooks reachable, ...).
 */
export function validateForm(form: ScheduleForm, trans: Translate, limits: JobLimits): FieldErrors {
  const errors: FieldErrors = {};
  const nameProblem = validateJobName(form.name);
  if (nameProblem === 'empty') {
    addError(errors, 'name', trans.__('Enter a job name.'));
  } else if (nameProblem === 'too-long') {
    addError(errors, 'name', trans.__('The name is longer than %1 characters.', JOB_NAME_MAX));
  } else if (nameProblem) {
    addError(
      errors,
      'name',
      trans.__(
        'Use lower-case letters, digits and dashes, starting with a letter and not ending with a dash.',
      ),
    );
  }
  if (!form.environment) {
    addError(errors, 'environment', trans.__('Choose an environment.'));
  }
  if (!CPU_PATTERN.test(form.cpu.trim())) {
    addError(errors, 'cpu', trans.__('Enter CPUs as a number (e.g. 2 or 0.5) or millicores (500m).'));
  }
  if (!MEMORY_PATTERN.test(form.memory.trim())) {
    addError(errors, 'memory', trans.__('Enter memory as a quantity, e.g. 4Gi or 512Mi.'));
  }
  validateRows(form.parameters).forEach((problem, index) => {
    const row = form.parameters[index];
    if (row) {
      addError(errors, `parameter:${index}`, describeRowProblem(row, problem, trans));
    }
  });
  if (form.parameters.length > limits.parametersMax) {
    addError(errors, 'parameters', trans.__('Parameters: at most %1.', limits.parametersMax));
  }
  if (form.when === 'schedule') {
    for (const [field, message] of intervalErrors(form.interval, trans)) {
      addError(errors, field, message);
    }
    if (form.cron.trim() === '') {
      addError(errors, 'cron', trans.__('Enter a cron expression.'));
    }
    if (form.timezone.trim() === '') {
      addError(errors, 'timezone', trans.__('Enter a time zone, e.g. Europe/Berlin.'));
    }
  }
  const retries = retriesProblem(form.retries, limits, trans);
  if (retries) {
    addError(errors, 'retries', retries);
  }
  const timeout = timeoutProblem(form.timeoutMinutes, limits, trans);
  if (timeout) {
    addError(errors, 'timeout', timeout);
  }
  if (form.dependsOn.length > limits.dependsOnMax) {
    addError(errors, 'dependsOn', trans.__('Run after at most %1 jobs.', limits.dependsOnMax));
  }
  if (form.alerts.length > limits.alertsMax) {
    addError(errors, 'alerts', trans.__('At most %1 alerts.', limits.alertsMax));
  }
  form.alerts.forEach((alert, index) => {
    if (!isWebhookUrl(alert.webhook.trim())) {
      addError(errors, `alert:${index}`, trans.__('Enter an http(s) webhook URL.'));
    }
    if (!alert.failure && !alert.success && !alert.timeout) {
      addError(errors, `alert:${index}`, trans.__('Choose at least one outcome to alert on.'));
    }
  });
  for (const [field, message] of modelOutputErrors(form.modelOutput, trans)) {
    addError(errors, field, message);
  }
  return errors;
}

function alertEvents(alert: AlertRow): AlertEvent[] {
  const events: AlertEvent[] = [];
  if (alert.failure) {
    events.push('failure');
  }
  if (alert.success) {
    events.push('success');
  }
  if (alert.timeout) {
    events.push('timeout');
  }
  return events;
}

/** The fields a create and an update share. */
function settingsOf(
  form: ScheduleForm,
): Required<Omit<UpdateJobRequest, 'notebook' | 'suspend' | 'historyLimit'>> {
  const resources: CreateJobRequest['resources'] = {
    cpu: form.cpu.trim(),
    memory: form.memory.trim(),
    gpus: form.gpus,
  };
  if (form.gpus > 0 && form.gpuType) {
    resources.gpuType = form.gpuType;
  }
  return {
    environment: form.environment,
    resources,
    parameters: rowsToParameters(form.parameters),
    schedule: form.when === 'schedule' ? { cron: form.cron.trim(), timezone: form.timezone.trim() } : null,
    retries: Number(form.retries.trim()),
    timeoutSeconds: timeoutSecondsOf(form.timeoutMinutes) ?? 0,
    concurrency: form.concurrency,
    dependsOn: [...form.dependsOn],
    alerts: form.alerts.map((a) => ({ on: alertEvents(a), webhook: a.webhook.trim() })),
    outputs: form.html ? ['ipynb', 'html'] : ['ipynb'],
    modelOutput: modelOutputRequest(form.modelOutput),
  };
}

/** The `POST /api/v1/jobs` body for a valid form and the notebook to snapshot. */
export function createRequest(form: ScheduleForm, notebook: NotebookSource): CreateJobRequest {
  const body: CreateJobRequest = { name: form.name, notebook, ...settingsOf(form) };
  if (body.schedule === null) {
    delete body.schedule;
  }
  if (body.modelOutput === null) {
    delete body.modelOutput;
  }
  return body;
}

/**
 * The `PATCH /api/v1/jobs/{name}` body for a valid edit form (`schedule: null`
 * makes it on demand, `modelOutput: null` stops publishing).
 */
export function updateRequest(form: ScheduleForm): UpdateJobRequest {
  return settingsOf(form);
}
