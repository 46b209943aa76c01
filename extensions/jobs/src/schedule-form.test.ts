import { describe, expect, it } from 'vitest';

import {
  createRequest,
  editJobForm,
  newAlertRow,
  newJobForm,
  updateRequest,
  validateForm,
  withEnvironment,
} from './schedule-form';
import {
  distinctMessages,
  fieldOfServerError,
  refusedFieldErrors,
  serverFieldErrors,
  unplacedErrorLines,
} from './server-field-errors';
import { JOB_LIMITS } from '../../client/src/job-limits';
import { modelOutputLabel } from './model-output-form';
import { DEFAULT_SCHEDULE_SETTINGS } from './settings';
import { environments, failedRun, publishedRun, runningRun, scheduledJob } from './testing/job-fixture';
import { englishTranslate } from './testing/translate';

const notebook = { path: 'work/Daily CTR.ipynb', content: { nbformat: 4, cells: [] } };

function freshForm() {
  return withEnvironment(
    newJobForm({
      path: notebook.path,
      parameters: [{ name: 'n', type: 'integer', text: '3' }],
      timezone: 'Europe/Berlin',
      settings: DEFAULT_SCHEDULE_SETTINGS,
    }),
    environments[0],
  );
}

describe('schedule form', () => {
  it('starts from the file name, the environment defaults and the settings', () => {
    const form = freshForm();
    expect(form).toMatchObject({
      name: 'daily-ctr',
      environment: 'cpu-base',
      cpu: '1',
      memory: '2Gi',
      gpus: 0,
      when: 'now',
      cron: '0 2 * * *',
      timezone: 'Europe/Berlin',
      retries: '0',
      timeoutMinutes: '60',
      concurrency: 'forbid',
    });
    expect(validateForm(form, englishTranslate, JOB_LIMITS)).toEqual({});
  });

  it('offers a GPU count the environment has when switching to a GPU environment', () => {
    const form = withEnvironment(freshForm(), environments[1]);
    expect(form).toMatchObject({ environment: 'torch', cpu: '4', memory: '16Gi', gpus: 1, gpuType: '' });
  });

  it('builds an on-demand create request without a schedule, and a scheduled one with it', () => {
    const form = { ...freshForm(), alerts: [{ ...newAlertRow(), webhook: ' https://hooks.example/x ' }] };
    const body = createRequest(form, notebook);
    expect(body).toEqual({
      name: 'daily-ctr',
      notebook,
      environment: 'cpu-base',
      resources: { cpu: '1', memory: '2Gi', gpus: 0 },
      parameters: { n: 3 },
      retries: 0,
      timeoutSeconds: 3600,
      concurrency: 'forbid',
      dependsOn: [],
      alerts: [{ on: ['failure', 'timeout'], webhook: 'https://hooks.example/x' }],
      outputs: ['ipynb'],
    });
    const scheduled = createRequest({ ...form, when: 'schedule', html: true }, notebook);
    expect(scheduled.schedule).toEqual({ cron: '0 2 * * *', timezone: 'Europe/Berlin' });
    expect(scheduled.outputs).toEqual(['ipynb', 'html']);
  });

  it('edits a job: prefilled from it, and an update that can clear the schedule', () => {
    const form = editJobForm(scheduledJob(), 'UTC');
    expect(form).toMatchObject({
      name: 'daily-ctr',
      when: 'schedule',
      cron: '0 9 * * 1-5',
      // The weekday cron opens in the interval picker.
      interval: { kind: 'weekly', days: [1, 2, 3, 4, 5], time: '09:00' },
      timezone: 'Asia/Shanghai',
      gpus: 1,
      gpuType: 't4',
      timeoutMinutes: '90',
      dependsOn: ['etl'],
      html: true,
    });
    expect(form.alerts).toEqual([
      { webhook: 'https://hooks.example/x', failure: true, success: false, timeout: true },
    ]);
    const patch = updateRequest({ ...form, when: 'manual' });
    expect(patch.schedule).toBeNull();
    expect(patch.resources).toEqual({ cpu: '2', memory: '8Gi', gpus: 1, gpuType: 't4' });
    expect(patch.parameters).toEqual({ date: '2026-11-28', n: 3 });
    expect(patch).not.toHaveProperty('notebook');
  });

  it('reports what the browser can check, per field', () => {
    const form = {
      ...freshForm(),
      name: 'Daily',
      cpu: 'two',
      memory: '8 GB',
      when: 'schedule' as const,
      cron: ' ',
      timezone: '',
      retries: '-1',
      timeoutMinutes: '0',
      parameters: [{ name: 'n', type: 'integer' as const, text: 'abc' }],
      alerts: [{ webhook: 'ftp://x', failure: false, success: false, timeout: false }],
    };
    const errors = validateForm(form, englishTranslate, JOB_LIMITS);
    expect(Object.keys(errors).sort()).toEqual(
      ['alert:0', 'cpu', 'cron', 'memory', 'name', 'parameter:0', 'retries', 'timeout', 'timezone'].sort(),
    );
    expect(errors['parameter:0']).toEqual(["n: 'abc' is not an integer"]);
    expect(errors['alert:0']).toHaveLength(2);
  });
});

describe('model output on the schedule form', () => {
  it('is off by default and then sent as nothing on create and as null on update', () => {
    const form = freshForm();
    expect(form.modelOutput.enabled).toBe(false);
    expect(createRequest(form, notebook)).not.toHaveProperty('modelOutput');
    expect(updateRequest(form).modelOutput).toBeNull();
  });

  it('sends a canary at the typed percent, or a replace without one', () => {
    const on = {
      ...freshForm(),
      modelOutput: {
        enabled: true,
        model: ' ctr ',
        path: ' model/ ',
        rollout: 'canary' as const,
        percent: '25',
      },
    };
    expect(validateForm(on, englishTranslate, JOB_LIMITS)).toEqual({});
    expect(createRequest(on, notebook).modelOutput).toEqual({
      model: 'ctr',
      path: 'model/',
      rollout: { kind: 'canary', percent: 25 },
    });
    const replace = { ...on, modelOutput: { ...on.modelOutput, rollout: 'replace' as const, percent: '' } };
    expect(validateForm(replace, englishTranslate, JOB_LIMITS)).toEqual({});
    expect(updateRequest(replace).modelOutput).toEqual({
      model: 'ctr',
      path: 'model/',
      rollout: { kind: 'replace' },
    });
  });

  it('is prefilled from a job that has one', () => {
    expect(editJobForm(scheduledJob(), 'UTC').modelOutput).toEqual({
      enabled: true,
      model: 'ctr',
      path: 'model/',
      rollout: 'canary',
      percent: '10',
    });
  });

  it('puts each problem next to its field, and only when the section is on', () => {
    const bad = { enabled: true, model: 'CTR', path: '../model', rollout: 'canary' as const, percent: '100' };
    const errors = validateForm({ ...freshForm(), modelOutput: bad }, englishTranslate, JOB_LIMITS);
    expect(Object.keys(errors).sort()).toEqual(['modelOutputModel', 'modelOutputPath', 'modelOutputPercent']);
    expect(errors.modelOutputPath).toEqual(['The path must stay inside the working directory (no ..).']);
    expect(
      validateForm({ ...freshForm(), modelOutput: { ...bad, enabled: false } }, englishTranslate, JOB_LIMITS),
    ).toEqual({});
    for (const path of ['/abs/model', '~/model', 'a//b', '']) {
      const found = validateForm(
        { ...freshForm(), modelOutput: { ...bad, model: 'ctr', percent: '5', path } },
        englishTranslate,
        JOB_LIMITS,
      );
      expect(Object.keys(found), path).toEqual(['modelOutputPath']);
    }
  });

  it('places server errors about the model output at its fields', () => {
    expect(fieldOfServerError('body.modelOutput.model', [])).toBe('modelOutputModel');
    expect(fieldOfServerError('body.modelOutput.path', [])).toBe('modelOutputPath');
    expect(fieldOfServerError('body.modelOutput.rollout.percent', [])).toBe('modelOutputPercent');
  });

  it('labels a run that published, one that could not, and one without a model output', () => {
    expect(modelOutputLabel(publishedRun, englishTranslate)).toBe('Published ctr v4');
    expect(modelOutputLabel(failedRun, englishTranslate)).toBe(
      'Not published to ctr: Models are not enabled on this Turing installation.',
    );
    expect(modelOutputLabel(runningRun, englishTranslate)).toBeUndefined();
  });
});

describe('server errors on the form', () => {
  it('maps problem field names onto the dialog fields', () => {
    const names = ['date', 'n'];
    expect(fieldOfServerError('body.schedule.cron', names)).toBe('cron');
    expect(fieldOfServerError('body.schedule.timezone', names)).toBe('timezone');
    expect(fieldOfServerError('query.cron', names)).toBe('cron');
    expect(fieldOfServerError('body.environment', names)).toBe('environment');
    expect(fieldOfServerError('body.notebook.content', names)).toBe('notebook');
    expect(fieldOfServerError('body.alerts[1].webhook', names)).toBe('alert:1');
    expect(fieldOfServerError('body.alerts.0.webhook', names)).toBe('alert:0');
    expect(fieldOfServerError('body.dependsOn[0]', names)).toBe('dependsOn');
    expect(fieldOfServerError('body.parameters.n', names)).toBe('parameter:1');
    expect(fieldOfServerError('body.parameters.zzz', names)).toBe('general');
    expect(fieldOfServerError('body.resources.gpus', names)).toBe('gpus');
    expect(fieldOfServerError('body.timeoutSeconds', names)).toBe('timeout');
    expect(fieldOfServerError('body.name', names)).toBe('name');
    expect(fieldOfServerError('body.somethingElse', names)).toBe('general');
  });

  it('groups several errors of one field', () => {
    expect(
      serverFieldErrors(
        [
          { field: 'body.schedule.cron', message: 'expected 5 fields' },
          { field: 'body.schedule', message: 'bad' },
          { field: 'body.alerts[0].webhook', message: 'unreachable: connection refused' },
        ],
        [],
        englishTranslate,
      ),
    ).toEqual({ cron: ['expected 5 fields', 'bad'], 'alert:0': ['unreachable: connection refused'] });
  });

  it('puts a too-large notebook on the notebook and a taken name on the name', () => {
    const tooLarge = {
      status: 413,
      title: 'Payload Too Large',
      detail: 'The notebook is 12 MB; the limit is 10 MB.',
      errors: [],
    };
    expect(refusedFieldErrors(tooLarge, [], englishTranslate)).toEqual({
      notebook: ['The notebook is 12 MB; the limit is 10 MB.'],
    });
    const taken = { status: 409, title: 'Conflict', detail: 'A job named daily-ctr exists.', errors: [] };
    expect(refusedFieldErrors(taken, [], englishTranslate)).toEqual({
      name: ['A job named daily-ctr exists.'],
    });
    const kernel = {
      status: 400,
      title: 'Validation Failed',
      errors: [{ field: 'body.notebook.content', message: 'the notebook has no kernelspec' }],
    };
    expect(refusedFieldErrors(kernel, [], englishTranslate)).toEqual({
      notebook: ['the notebook has no kernelspec'],
    });
  });

  it('leaves messages shown at their field out of the summary, and keeps the others', () => {
    const errors = [
      { field: 'body.schedule.cron', message: 'Invalid cron expression: Invalid value for minute: 61.' },
      { field: 'body.parameters.n', message: 'too big' },
      { field: 'body.parameters.gone', message: 'unknown' },
      { field: 'body.somethingNew', message: 'not allowed' },
    ];
    expect(unplacedErrorLines(errors, ['n'])).toEqual([
      'parameters.gone: unknown',
      'somethingNew: not allowed',
    ]);
    expect(serverFieldErrors(errors, ['n'], englishTranslate)).toMatchObject({
      cron: ['Invalid cron expression: Invalid value for minute: 61.'],
      'parameter:0': ['too big'],
    });
  });

  it('shows a refused preview as its messages, once each and without field paths', () => {
    const message = 'Invalid cron expression: Invalid value for minute: 61.';
    const errors = [
      { field: 'query.cron', message },
      { field: 'query.cron', message },
    ];
    expect(distinctMessages(errors)).toEqual([message]);
  });
});
