import { describe, expect, it } from 'vitest';

import type { FieldScope } from './form-field';
import { errorProps, fieldSlug } from './form-field';

describe('form fields', () => {
  const scope: FieldScope = { idPrefix: 'd1', testIdPrefix: 'schedule', errors: { 'alert:0': ['bad URL'] } };

  it('turns field keys into id-safe slugs', () => {
    expect(fieldSlug('alert:0')).toBe('alert-0');
    expect(fieldSlug('parameter:start date')).toBe('parameter-start-date');
    expect(fieldSlug('cron')).toBe('cron');
  });

  it('marks a control invalid and points it at its messages only when the field has errors', () => {
    expect(errorProps(scope, 'alert:0')).toEqual({
      'aria-invalid': true,
      'aria-describedby': 'd1-error-alert-0',
    });
    expect(errorProps(scope, 'cron')).toEqual({});
    expect(errorProps({ ...scope, errors: { cron: [] } }, 'cron')).toEqual({});
  });
});
