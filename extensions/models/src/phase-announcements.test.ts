import { describe, expect, it } from 'vitest';

import { phaseChanges, snapshotOf } from './phase-announcements';
import { publishButtonLabel } from './publish-label';
import { irisModel, mnistModel } from './testing/model-fixture';
import { englishTranslate as trans } from './testing/translate';

describe('announcing model state changes', () => {
  it('says nothing on the first load', () => {
    expect(phaseChanges(null, [irisModel()], trans)).toEqual([]);
  });

  it('announces a model becoming ready', () => {
    const pending = mnistModel();
    const ready = mnistModel();
    ready.status = { ...ready.status, phase: 'Ready', readyReplicas: 1 };
    expect(phaseChanges(snapshotOf([pending]), [ready], trans)).toEqual([
      'Model mnist is ready, 1 of 1 replicas ready.',
    ]);
  });

  it('announces a change of ready replicas in the same phase', () => {
    const before = irisModel();
    const after = irisModel();
    after.status = { ...after.status, readyReplicas: 1 };
    expect(phaseChanges(snapshotOf([before]), [after], trans)).toEqual([
      'Model iris: 1 of 2 replicas ready.',
    ]);
  });

  it('announces a new model and stays silent on unchanged ones', () => {
    expect(phaseChanges(snapshotOf([irisModel()]), [irisModel(), mnistModel()], trans)).toEqual([
      'Model mnist added: pending.',
    ]);
  });
});

describe('the Publish button', () => {
  it('is "Publish" for a new model, whatever the rollout field says', () => {
    expect(publishButtonLabel({ rollout: 'canary' }, undefined, trans)).toBe('Publish');
  });

  it('is named after the rollout of a serving model', () => {
    const existing = irisModel();
    expect(publishButtonLabel({ rollout: 'canary' }, existing, trans)).toBe('Publish as canary');
    expect(publishButtonLabel({ rollout: 'replace' }, existing, trans)).toBe('Publish and replace');
    expect(publishButtonLabel({ rollout: 'none' }, existing, trans)).toBe('Publish without traffic');
  });
});
