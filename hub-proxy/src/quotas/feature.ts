import { defineFeature } from '../feature.js';

/** Quotas: placeholder, filled in by issue 14. */
export const quotasFeature = defineFeature({
  name: 'quotas',
  config: { fields: {} },
  create() {
    return {};
  },
});
