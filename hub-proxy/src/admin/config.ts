import { resolve } from 'node:path';
import { REPOSITORY_ROOT } from '../repository-root.js';
import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';

/** The admin UI bundle of this checkout: `admin-ui/dist` (built by `npm run build:admin`). */
export const DEFAULT_ADMIN_UI_DIR = resolve(REPOSITORY_ROOT, 'admin-ui/dist');

/** The config keys the admin feature owns, and their environment variables. */
export const adminConfig = {
  fields: {
    /** The built admin UI: `index.html` and `assets/`. */
    adminUiDir: z
      .string()
      .min(1)
      .default(DEFAULT_ADMIN_UI_DIR)
      .transform((path) => resolve(path)),
  },
  env: { adminUiDir: ['TURING_ADMIN_UI_DIR'] },
} satisfies ConfigSection;

/** The admin feature's settings. */
export type AdminSettings = z.output<z.ZodObject<typeof adminConfig.fields>>;
