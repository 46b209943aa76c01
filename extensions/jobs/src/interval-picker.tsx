import { Field, InlineErrors, errorProps } from '@turing/ui';
import React from 'react';

import type { IntervalForm, IntervalKind } from './interval-cron';
import { INTERVAL_KINDS, INTERVAL_STEPS, MAX_EVERY_DAYS } from './interval-cron';
import { INTERVAL_FIELDS } from './interval-messages';
import { withInterval } from './schedule-form';
import type { SectionProps } from './schedule-form-section';

/** Monday first, as a week is read in most of the world. */
const WEEK: readonly number[] = [1, 2, 3, 4, 5, 6, 0];

/**
 * The interval picker: every N minutes / hours (at a minute) / days (at a
 * time), weekly on chosen days at a time, or custom cron. It writes the
 * form's cron, which the cron field below shows.
 */
export function IntervalPicker(props: SectionProps): React.ReactElement {
  const { form, update, scope, disabled, trans } = props;
  const interval = form.interval;
  const set = (change: Partial<IntervalForm>) => update((f) => withInterval(f, { ...f.interval, ...change }));
  const kindLabels: Record<IntervalKind, string> = {
    minutes: trans.__('Every N minutes'),
    hours: trans.__('Every N hours'),
    days: trans.__('Every N days'),
    weekly: trans.__('Weekly'),
    custom: trans.__('Custom cron'),
  };
  const dayNames: Record<number, string> = {
    0: trans.__('Sun'),
    1: trans.__('Mon'),
    2: trans.__('Tue'),
    3: trans.__('Wed'),
    4: trans.__('Thu'),
    5: trans.__('Fri'),
    6: trans.__('Sat'),
  };
  const everyLabel =
    interval.kind === 'minutes'
      ? trans.__('Minutes between runs')
      : interval.kind === 'hours'
        ? trans.__('Hours between runs')
        : trans.__('Days between runs');
  const everyMax =
    interval.kind === 'minutes'
      ? Math.max(...INTERVAL_STEPS.minutes)
      : interval.kind === 'hours'
        ? Math.max(...INTERVAL_STEPS.hours)
        : MAX_EVERY_DAYS;
  const toggleDay = (day: number, on: boolean) =>
    set({
      days: on ? [...interval.days.filter((d) => d !== day), day] : interval.days.filter((d) => d !== day),
    });
  return (
    <>
      <div
        className="jp-Turing-Row jp-Turing-Jobs-row jp-Turing-Jobs-interval"
        data-testid="schedule-interval"
      >
        <Field scope={scope} field="intervalKind" label={trans.__('Repeat')}>
          {(id) => (
            <select
              id={id}
              className="jp-mod-styled"
              data-testid="schedule-interval-kind"
              value={interval.kind}
              disabled={disabled}
              onChange={(e) => set({ kind: e.target.value as IntervalKind })}
            >
              {INTERVAL_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kindLabels[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {interval.kind !== 'weekly' && interval.kind !== 'custom' && (
          <Field scope={scope} field={INTERVAL_FIELDS.every} label={everyLabel}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                max={everyMax}
                step={1}
                className="jp-mod-styled"
                data-testid="schedule-interval-every"
                value={interval.every}
                disabled={disabled}
                onChange={(e) => set({ every: e.target.value })}
                {...errorProps(scope, INTERVAL_FIELDS.every)}
              />
            )}
          </Field>
        )}
        {interval.kind === 'hours' && (
          <Field scope={scope} field={INTERVAL_FIELDS.minute} label={trans.__('Minute past the hour')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={0}
                max={59}
                step={1}
                className="jp-mod-styled"
                data-testid="schedule-interval-minute"
                value={interval.minute}
                disabled={disabled}
                onChange={(e) => set({ minute: e.target.value })}
                {...errorProps(scope, INTERVAL_FIELDS.minute)}
              />
            )}
          </Field>
        )}
        {/* Text, not type="time": that shows a 12-hour clock in some locales, and the preview says 24 hours. */}
        {(interval.kind === 'days' || interval.kind === 'weekly') && (
          <Field scope={scope} field={INTERVAL_FIELDS.time} label={trans.__('At (HH:MM)')}>
            {(id) => (
              <input
                id={id}
                className="jp-mod-styled jp-Turing-Jobs-mono"
                data-testid="schedule-interval-time"
                inputMode="numeric"
                placeholder="02:00"
                maxLength={5}
                spellCheck={false}
                autoComplete="off"
                value={interval.time}
                disabled={disabled}
                onChange={(e) => set({ time: e.target.value })}
                {...errorProps(scope, INTERVAL_FIELDS.time)}
              />
            )}
          </Field>
        )}
      </div>
      {interval.kind === 'weekly' && (
        <fieldset
          className="jp-Turing-Jobs-weekdays"
          data-testid="schedule-interval-days"
          aria-describedby={errorProps(scope, INTERVAL_FIELDS.days)['aria-describedby']}
        >
          <legend>{trans.__('On')}</legend>
          <div className="jp-Turing-Choices">
            {WEEK.map((day) => (
              <label key={day} className="jp-Turing-Choice">
                <input
                  type="checkbox"
                  data-testid={`schedule-interval-day-${day}`}
                  checked={interval.days.includes(day)}
                  disabled={disabled}
                  onChange={(e) => toggleDay(day, e.target.checked)}
                />
                {dayNames[day]}
              </label>
            ))}
          </div>
          <InlineErrors scope={scope} field={INTERVAL_FIELDS.days} />
        </fieldset>
      )}
    </>
  );
}
