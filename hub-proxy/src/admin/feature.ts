import { defineFeature } from '../feature.js';

/** Admin: placeholder, filled in by issue 14. */
export const adminFeature = defineFeature({
  name: 'admin',
  config: { fields: {} },
  create() {
    return {};
  },
});
