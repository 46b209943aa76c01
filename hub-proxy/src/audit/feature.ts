import { defineFeature } from '../feature.js';

/** Audit: placeholder, filled in by issue 14. */
export const auditFeature = defineFeature({
  name: 'audit',
  config: { fields: {} },
  create() {
    return {};
  },
});
