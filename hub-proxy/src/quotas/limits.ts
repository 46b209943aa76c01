import { z } from 'zod';

/** The quotas every user has, in the order they are shown. */
export const QUOTA_KEYS = [
  'gpus',
  'concurrentRuns',
  'scheduledJobs',
  'modelReplicas',
  'artifactBytes',
] as const;

/** One quota's name. */
export type QuotaKey = (typeof QUOTA_KEYS)[number];

/** A value for every quota. */
export type Limits = Record<QuotaKey, number>;

/** Where a user's value of one quota came from: their own entry, a group's, or the defaults. */
export type LimitSource = 'user' | 'default' | `group:${string}`;

/** What each quota counts, for messages and the API description. */
export const QUOTA_UNITS: Record<QuotaKey, { unit: string; describes: string }> = {
  gpus: { unit: 'GPUs', describes: 'GPUs held by servers, job runs and model replicas together' },
  concurrentRuns: { unit: 'runs', describes: 'queued plus running job runs' },
  scheduledJobs: { unit: 'scheduled jobs', describes: 'jobs with a schedule' },
  modelReplicas: {
    unit: 'model replicas',
    describes: "the sum of `replicas.max` over the user's enabled models",
  },
  artifactBytes: {
    unit: 'bytes',
    describes: "bytes of the user's stored artifacts (notebooks, outputs, model files)",
  },
};

/** Largest value of any quota: 1 PiB in bytes, which also bounds counts far beyond any real use. */
const MAX_LIMIT = 2 ** 50;

/** A non-negative whole number, with the messages admins see in `errors[]`. */
export const limitValueSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must be ≥ 0' })
  .max(MAX_LIMIT, { error: `must be ≤ ${MAX_LIMIT}` });

const limitFields = Object.fromEntries(QUOTA_KEYS.map((key) => [key, limitValueSchema])) as Record<
  QuotaKey,
  typeof limitValueSchema
>;

/** A value for every quota (the defaults). */
export const limitsSchema = z.strictObject(limitFields).meta({
  description: Object.entries(QUOTA_UNITS)
    .map(([key, { describes }]) => `\`${key}\`: ${describes}`)
    .join('; '),
});

/** Some quotas (a user's or a group's entry); the others come from elsewhere. */
export const partialLimitsSchema = limitsSchema.partial();

/** A user or group name as a key of the document. */
const entryName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters' });

/**
 * The quotas document: defaults for everyone, overrides per hub group and
 * per user. Stored as JSON (a ConfigMap key or a file) and edited by admins.
 */
export const quotasDocumentSchema = z.strictObject({
  defaults: limitsSchema,
  groups: z.record(entryName, partialLimitsSchema).default({}),
  users: z.record(entryName, partialLimitsSchema).default({}),
});

/** The validated quotas document. */
export type QuotasDocument = z.output<typeof quotasDocumentSchema>;
