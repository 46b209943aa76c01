import { describe, expect, it } from 'vitest';

import { queryString } from '../../api/query-string';
import { NO_AUDIT_FILTERS, auditFilterQuery, auditListQuery, formatChange } from './audit-filters';

describe('audit filters', () => {
  it('sends only the set filters, times as ISO', () => {
    const filters = {
      ...NO_AUDIT_FILTERS,
      actor: 'demo',
      outcome: 'denied' as const,
      until: '2026-05-01T12:00',
    };
    expect(queryString(auditFilterQuery(filters))).toBe(
      `?actor=demo&outcome=denied&until=${encodeURIComponent(new Date('2026-05-01T12:00').toISOString())}`,
    );
  });

  it('gives the export the same filters as the list, without paging', () => {
    const filters = { ...NO_AUDIT_FILTERS, kind: 'quotas', object: 'ml' };
    expect(queryString(auditFilterQuery(filters))).toBe('?kind=quotas&object=ml');
    expect(queryString(auditListQuery(filters, 'c2'))).toBe('?kind=quotas&object=ml&limit=50&cursor=c2');
  });

  it('formats a change as indented JSON', () => {
    expect(formatChange({ replicas: { min: 1 } })).toBe('{\n  "replicas": {\n    "min": 1\n  }\n}');
    expect(formatChange(undefined)).toBe('');
  });
});
