/**
 * A `z.preprocess` step for a setting that is an object in the config file or
 * JSON text in an environment variable (`TURING_JOBS_LIMITS='{"jobsPerUser":50}'`):
 * text is parsed as JSON, anything else passes as it is. Text that is not
 * JSON passes unchanged too, so the schema says what it expected.
 */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
