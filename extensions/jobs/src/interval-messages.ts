import type { IntervalField, IntervalForm, IntervalProblem } from './interval-cron';
import { intervalProblems } from './interval-cron';
import type { Translate } from './parameters';

/** The form field key of each interval picker control, for messages next to it. */
export const INTERVAL_FIELDS: Record<IntervalField, string> = {
  every: 'intervalEvery',
  minute: 'intervalMinute',
  time: 'intervalTime',
  days: 'intervalDays',
};

/** "1, 2, 3 or 4". */
function choices(values: readonly number[], trans: Translate): string {
  const head = values.slice(0, -1).join(', ');
  const last = values[values.length - 1] ?? '';
  return head ? trans.__('%1 or %2', head, last) : String(last);
}

/** The message of one problem of the picker. */
export function describeIntervalProblem(problem: IntervalProblem, trans: Translate): string {
  switch (problem.field) {
    case 'every':
      if (problem.kind === 'days') {
        return trans.__('Every N days: a whole number from 1 to %1.', problem.max);
      }
      return problem.kind === 'minutes'
        ? trans.__(
            'Every N minutes: one of %1, so the runs are evenly spaced.',
            choices(problem.allowed, trans),
          )
        : trans.__(
            'Every N hours: one of %1, so the runs are evenly spaced.',
            choices(problem.allowed, trans),
          );
    case 'minute':
      return trans.__('Minute past the hour: a whole number from 0 to 59.');
    case 'time':
      return trans.__('Time: enter hours and minutes, e.g. 02:00.');
    case 'days':
      return trans.__('Choose at least one day of the week.');
  }
}

/** The picker's messages per form field; none for custom cron. */
export function intervalErrors(form: IntervalForm, trans: Translate): Array<[string, string]> {
  return intervalProblems(form).map((problem) => [
    INTERVAL_FIELDS[problem.field],
    describeIntervalProblem(problem, trans),
  ]);
}
