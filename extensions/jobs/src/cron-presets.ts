import cronstrue from 'cronstrue';

import type { Translate } from './parameters';

/** The schedule presets the dialog offers; `custom` means "type a cron expression". */
export type CronPreset = 'hourly' | 'daily' | 'weekdays' | 'weekly' | 'custom';

/** Every preset, in the order the preset select lists them. */
export const CRON_PRESETS: readonly CronPreset[] = ['hourly', 'daily', 'weekdays', 'weekly', 'custom'];

/** The five-field cron expression of each preset (none for `custom`). */
const EXPRESSIONS: Record<Exclude<CronPreset, 'custom'>, string> = {
  hourly: '0 * * * *',
  daily: '0 2 * * *',
  weekdays: '0 9 * * 1-5',
  weekly: '0 9 * * 1',
};

/** The preset's cron expression; `undefined` for `custom`. */
export function presetExpression(preset: CronPreset): string | undefined {
  return preset === 'custom' ? undefined : EXPRESSIONS[preset];
}

/** The preset an expression is (ignoring extra blanks), else `custom`. */
export function presetOf(expression: string): CronPreset {
  const normalized = expression.trim().split(/\s+/).join(' ');
  const found = (Object.keys(EXPRESSIONS) as Array<keyof typeof EXPRESSIONS>).find(
    (p) => EXPRESSIONS[p] === normalized,
  );
  return found ?? 'custom';
}

/** The preset's label for the select. */
export function presetLabel(preset: CronPreset, trans: Translate): string {
  switch (preset) {
    case 'hourly':
      return trans.__('Every hour');
    case 'daily':
      return trans.__('Every day at 02:00');
    case 'weekdays':
      return trans.__('Weekdays at 09:00');
    case 'weekly':
      return trans.__('Every Monday at 09:00');
    case 'custom':
      return trans.__('Custom');
  }
}

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
