import type { TranslationBundle } from '@jupyterlab/translation';

import type { FieldErrors, ScheduleForm } from './schedule-form';

/** What every section of the Schedule dialog gets. */
export interface SectionProps {
  form: ScheduleForm;
  /** Applies a change to the form. */
  update: (change: (form: ScheduleForm) => ScheduleForm) => void;
  errors: FieldErrors;
  /** A prefix for DOM ids, unique per dialog. */
  idPrefix: string;
  /** True while the request runs: the inputs are read-only. */
  disabled: boolean;
  trans: TranslationBundle;
}
