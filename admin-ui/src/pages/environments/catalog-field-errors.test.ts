import { describe, expect, it } from 'vitest';

import { GENERAL_FIELD, catalogErrorField, catalogFieldErrors } from './catalog-field-errors';

describe('catalogErrorField', () => {
  it('maps a catalog file path to the form field that shows it', () => {
    expect(catalogErrorField('environments[tf-2.16-cuda12.3].image')).toBe('image');
    expect(catalogErrorField('environments[tf-2.16-cuda12.3].versions.cuda')).toBe('versions.cuda');
  });

  it('shows an item of a list at the list', () => {
    expect(catalogErrorField('environments[tf].gpu.counts[1]')).toBe('gpu.counts');
    expect(catalogErrorField('environments[tf].tags[0]')).toBe('tags');
    expect(catalogErrorField('environments[tf].gpu.types[0]')).toBe('gpu.types');
  });

  it('shows a framework at the frameworks field', () => {
    expect(catalogErrorField('environments[x].versions.frameworks.torch')).toBe('versions.frameworks');
  });

  it('shows a whole range at its first field', () => {
    expect(catalogErrorField('environments[x].resources.cpu')).toBe('resources.cpu.default');
    expect(catalogErrorField('environments[x].resources.memory.max')).toBe('resources.memory.max');
  });

  it('reads request validation paths too', () => {
    expect(catalogErrorField('body.displayName')).toBe('displayName');
    expect(catalogErrorField('environments[2].id')).toBe('id');
  });

  it('sends what no field shows to the summary', () => {
    expect(catalogErrorField('environments[x]')).toBe(GENERAL_FIELD);
    expect(catalogErrorField('environments[x].gpus')).toBe(GENERAL_FIELD);
    expect(catalogErrorField('gpuTypes.t4.nodeSelector')).toBe(GENERAL_FIELD);
  });
});

describe('catalogFieldErrors', () => {
  it('groups messages by field, in order', () => {
    expect(
      catalogFieldErrors([
        { field: 'environments[a].gpu.counts[0]', message: 'must be a positive integer' },
        { field: 'environments[a].gpu.counts[2]', message: 'duplicate GPU count 1' },
        { field: 'environments[a].image', message: 'must not use :latest' },
      ]),
    ).toEqual({
      'gpu.counts': ['must be a positive integer', 'duplicate GPU count 1'],
      image: ['must not use :latest'],
    });
  });
});
