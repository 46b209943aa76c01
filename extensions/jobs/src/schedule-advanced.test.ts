import { describe, expect, it } from 'vitest';

import { hasAdvancedErrors, hasAdvancedValues, isAdvancedField } from './schedule-advanced';
import { editJobForm, newAlertRow, newJobForm } from './schedule-form';
import { DEFAULT_SCHEDULE_SETTINGS } from './settings';
import { scheduledJob } from './testing/job-fixture';

const fresh = () =>
  newJobForm({ path: 'a.ipynb', parameters: [], timezone: 'UTC', settings: DEFAULT_SCHEDULE_SETTINGS });

describe('the Advanced disclosure of the Schedule dialog', () => {
  it('holds retries, dependencies, alerts, outputs and model output, not the usual fields', () => {
    for (const field of ['retries', 'dependsOn', 'alert:0', 'alerts', 'outputs', 'modelOutputPath']) {
      expect(isAdvancedField(field), field).toBe(true);
    }
    for (const field of ['name', 'timeout', 'cron', 'parameter:0', 'intervalEvery', 'general']) {
      expect(isAdvancedField(field), field).toBe(false);
    }
  });

  it('opens for an error inside it, not for one outside', () => {
    expect(hasAdvancedErrors({ 'alert:1': ['Enter an http(s) webhook URL.'] })).toBe(true);
    expect(hasAdvancedErrors({ timeout: ['Timeout: at most 7 days (10080 minutes).'] })).toBe(false);
    expect(hasAdvancedErrors({ retries: [] })).toBe(false);
  });

  it('starts closed for a new job and open for a job that sets something inside it', () => {
    expect(hasAdvancedValues(fresh(), DEFAULT_SCHEDULE_SETTINGS)).toBe(false);
    expect(hasAdvancedValues({ ...fresh(), retries: '2' }, DEFAULT_SCHEDULE_SETTINGS)).toBe(true);
    expect(hasAdvancedValues({ ...fresh(), alerts: [newAlertRow()] }, DEFAULT_SCHEDULE_SETTINGS)).toBe(true);
    expect(hasAdvancedValues({ ...fresh(), html: true }, DEFAULT_SCHEDULE_SETTINGS)).toBe(true);
    // The fixture job depends on "etl" and keeps HTML.
    expect(hasAdvancedValues(editJobForm(scheduledJob(), 'UTC'), DEFAULT_SCHEDULE_SETTINGS)).toBe(true);
    const plain = { ...editJobForm(scheduledJob(), 'UTC'), dependsOn: [], alerts: [], html: false };
    expect(
      hasAdvancedValues(
        { ...plain, retries: '0', modelOutput: { ...plain.modelOutput, enabled: false } },
        DEFAULT_SCHEDULE_SETTINGS,
      ),
    ).toBe(false);
  });
});
