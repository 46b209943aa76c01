/** Query parameter values; empty, `undefined` and `null` ones are left out. */
export type QueryValues = Record<string, string | number | undefined | null>;

/**
 * `?a=1&b=x` from the set values in key order, `''` when none is set.
 * Values are trimmed; a value that is only blanks is not set.
 */
export function queryString(values: QueryValues): string {
  const params = new URLSearchParams();
  for (const [key, raw] of Object.entries(values)) {
    if (raw === undefined || raw === null) {
      continue;
    }
    const value = String(raw).trim();
    if (value !== '') {
      params.set(key, value);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The ISO time of an `<input type="datetime-local">` value (local time),
 * `undefined` for an empty or invalid one.
 */
export function localInputToIso(value: string): string | undefined {
  if (!value.trim()) {
    return undefined;
  }
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
