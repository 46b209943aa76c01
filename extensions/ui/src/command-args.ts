/** A string argument of a command, or `undefined` when absent or empty. */
export function stringArg(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
