import cronstrue from 'cronstrue';

/**
 * A human-readable description of a five-field cron expression (cronstrue,
 * 24-hour clock), or `undefined` when it cannot be read. hub-proxy remains
 * the judge of validity: its preview answers the next run times or the error.
 */
export function describeCron(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    return undefined;
  }
  try {
    return cronstrue.toString(fields.join(' '), {
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
    });
  } catch {
    return undefined;
  }
}
