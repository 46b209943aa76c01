import { describe, expect, it } from 'vitest';

import { layoutSparkline } from './sparkline';
import { irisModel, mnistModel } from './testing/model-fixture';
import { englishTranslate as trans } from './testing/translate';
import {
  canPromote,
  canRollBack,
  clampPercent,
  describeTraffic,
  draftOf,
  trafficBody,
  trafficChanged,
} from './traffic';

describe('the canary slider', () => {
  it('starts from the current split', () => {
    expect(draftOf(irisModel())).toEqual({ stable: 1, canary: 2, percent: 10 });
    expect(draftOf(mnistModel())).toEqual({ stable: 1, canary: null, percent: 0 });
    expect(draftOf({ traffic: undefined })).toBeNull();
  });

  it('turns a canary version and slider position into the traffic body', () => {
    expect(trafficBody({ stable: 1, canary: 2, percent: 25 })).toEqual({
      stable: 1,
      canary: 2,
      canaryPercent: 25,
    });
    expect(trafficBody({ stable: 1, canary: 2, percent: 33.6 })).toEqual({
      stable: 1,
      canary: 2,
      canaryPercent: 34,
    });
  });

  it('sends everything to stable for 0 %, no canary, or a canary equal to stable', () => {
    expect(trafficBody({ stable: 3, canary: 4, percent: 0 })).toEqual({ stable: 3, canaryPercent: 0 });
    expect(trafficBody({ stable: 3, canary: null, percent: 40 })).toEqual({ stable: 3, canaryPercent: 0 });
    expect(trafficBody({ stable: 3, canary: 3, percent: 40 })).toEqual({ stable: 3, canaryPercent: 0 });
  });

  it('keeps the slider below a full switch, which is what Promote does', () => {
    expect(clampPercent(100)).toBe(99);
    expect(clampPercent(-5)).toBe(0);
    expect(clampPercent(Number.NaN)).toBe(0);
  });

  it('knows whether a draft changes anything, and what can be promoted or rolled back', () => {
    const iris = irisModel();
    expect(trafficChanged(iris, { stable: 1, canary: 2, percent: 10 })).toBe(false);
    expect(trafficChanged(iris, { stable: 1, canary: 2, percent: 50 })).toBe(true);
    expect(trafficChanged(mnistModel(), { stable: 1, canary: 5, percent: 0 })).toBe(false);
    expect(canPromote(iris)).toBe(true);
    expect(canPromote(mnistModel())).toBe(false);
    expect(canRollBack(iris)).toBe(true);
    expect(canRollBack(mnistModel())).toBe(false);
  });

  it('describes a split in words', () => {
    expect(describeTraffic(irisModel().traffic, trans)).toBe('v1 90% · v2 10% canary');
    expect(describeTraffic({ stable: 4, canaryPercent: 0 }, trans)).toBe('v4 100%');
    expect(describeTraffic(undefined, trans)).toBe('no version serving');
  });
});

describe('sparklines', () => {
  it('scales values from zero into the box, left to right', () => {
    const layout = layoutSparkline([0, 5, 10], 100, 20, 0);
    expect(layout).toEqual({ points: '0,20 50,10 100,0', max: 10, last: 10 });
  });

  it('draws zeros on the bottom, one value as a flat line and skips gaps', () => {
    expect(layoutSparkline([0, 0], 10, 10, 1).points).toBe('1,9 9,9');
    expect(layoutSparkline([4], 10, 10, 1).points).toBe('1,1 9,1');
    expect(layoutSparkline([Number.NaN, 2], 10, 10, 0)).toMatchObject({ points: '0,0 10,0', last: 2 });
    expect(layoutSparkline([], 10, 10)).toEqual({ points: '', max: 0, last: undefined });
  });
});
