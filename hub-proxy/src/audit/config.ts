import { resolve } from 'node:path';
import { z } from 'zod';
import type { ConfigSection } from '../config/config-section.js';

/** The config keys the audit feature owns, and their environment variables. */
export const auditConfig = {
  fields: {
    /** Local runtime: the directory of the day files (`<yyyy-mm-dd>.jsonl`). */
    auditDir: z
      .string()
      .min(1)
      .default('.turing/audit')
      .transform((path) => resolve(path)),
    /** Days of entries kept; older days are deleted at start and hourly. */
    auditRetentionDays: z.coerce.number().int().min(1).max(3650).default(90),
  },
  env: {
    auditDir: ['TURING_AUDIT_DIR'],
    auditRetentionDays: ['TURING_AUDIT_RETENTION_DAYS'],
  },
} satisfies ConfigSection;

/** The audit feature's settings. */
export type AuditSettings = z.output<z.ZodObject<typeof auditConfig.fields>>;
