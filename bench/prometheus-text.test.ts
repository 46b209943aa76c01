import { describe, expect, it } from 'vitest';
import { metricSamples, metricValue } from './prometheus-text.js';

const text = [
  '# HELP workqueue_depth Current depth of workqueue',
  'workqueue_depth{name="cronjob"} 12',
  'workqueue_depth{name="job"} 0',
  'workqueue_depth_extra{name="cronjob"} 99',
  'cronjob_controller_job_creation_skew_duration_seconds_bucket{le="1"} 3',
  'cronjob_controller_job_creation_skew_duration_seconds_sum 41.5',
  'process_open_fds 17',
].join('\n');

describe('prometheus text', () => {
  it('reads the sample whose labels match, and not a metric that only starts with the name', () => {
    expect(metricValue(text, 'workqueue_depth', { name: 'cronjob' })).toBe(12);
    expect(metricSamples(text, 'workqueue_depth')).toHaveLength(2);
  });

  it('reads samples without labels and answers NaN for a missing metric', () => {
    expect(metricValue(text, 'cronjob_controller_job_creation_skew_duration_seconds_sum')).toBe(41.5);
    expect(metricValue(text, 'process_open_fds')).toBe(17);
    expect(metricValue(text, 'absent_metric')).toBeNaN();
  });
});
