import { describe, expect, it } from 'vitest';

import type { AdminModel } from '../../api/types';
import {
  errorRateText,
  latencyText,
  parseReplicas,
  rateText,
  readyReplicas,
  trafficText,
  versionNumbers,
} from './model-view';

const model: AdminModel = {
  name: 'ctr',
  owner: 'alice',
  replicas: { min: 1, max: 3 },
  versions: [{ version: 2 }, { version: 1 }],
  traffic: { stable: 1, canary: 2, canaryPercent: 10 },
  disabled: false,
  status: { readyReplicas: 2 },
  apiKeys: [],
};

describe('model view', () => {
  it('reads ready replicas from the status when the view has none', () => {
    expect(readyReplicas(model)).toBe(2);
    expect(readyReplicas({ ...model, readyReplicas: 3 })).toBe(3);
  });

  it('lists version numbers ascending', () => {
    expect(versionNumbers(model)).toEqual([1, 2]);
    expect(versionNumbers({ ...model, versions: [3, 1] })).toEqual([1, 3]);
  });

  it('describes the traffic split', () => {
    expect(trafficText(model)).toBe('v1 90 % · v2 10 %');
    expect(trafficText({ ...model, traffic: { stable: 2, canaryPercent: 0 } })).toBe('v2');
    expect(trafficText({ ...model, traffic: undefined })).toBe('');
  });

  it('formats gateway metrics', () => {
    expect(rateText(0.25)).toBe('0.25/s');
    expect(rateText(12.4)).toBe('12/s');
    expect(latencyText(null)).toBe('–');
    expect(latencyText(41.6)).toBe('42 ms');
    expect(errorRateText(0.015)).toBe('1.5 %');
  });

  it('checks replica bounds', () => {
    expect(parseReplicas('1', '3')).toEqual({ min: 1, max: 3 });
    expect(parseReplicas('3', '1')).toEqual({ error: 'The maximum must be at least the minimum.' });
    expect(parseReplicas('a', '1')).toEqual({ error: 'Replicas must be whole numbers ≥ 0.' });
  });
});
