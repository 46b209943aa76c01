import type { TranslationBundle } from '@jupyterlab/translation';
import type { FieldScope } from '@turing/ui';

import type { ScheduleForm } from './schedule-form';

/** What every section of the Schedule dialog gets. */
export interface SectionProps {
  form: ScheduleForm;
  /** Applies a change to the form. */
  update: (change: (form: ScheduleForm) => ScheduleForm) => void;
  /** The dialog's DOM id prefix (unique per dialog), test ids and the messages per field. */
  scope: FieldScope;
  /** True while the request runs: the inputs are read-only. */
  disabled: boolean;
  trans: TranslationBundle;
}
