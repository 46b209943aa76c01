import React from 'react';

import type { FieldErrors, FieldKey } from './schedule-form';

/** The DOM id / test id suffix of a field key (`alert:0` -> `alert-0`). */
export function fieldSlug(field: FieldKey): string {
  return field.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** The accessibility props that tie a control to its inline errors. */
export function errorProps(
  idPrefix: string,
  field: FieldKey,
  errors: FieldErrors,
): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return errors[field]?.length
    ? { 'aria-invalid': true, 'aria-describedby': `${idPrefix}-error-${fieldSlug(field)}` }
    : {};
}

/** Props of {@link InlineErrors}. */
export interface InlineErrorsProps {
  idPrefix: string;
  field: FieldKey;
  errors: FieldErrors;
}

/** The messages of one field, shown under it (`data-testid="schedule-error-<field>"`). */
export function InlineErrors({ idPrefix, field, errors }: InlineErrorsProps): React.ReactElement | null {
  const messages = errors[field];
  if (!messages?.length) {
    return null;
  }
  const slug = fieldSlug(field);
  return (
    <div
      id={`${idPrefix}-error-${slug}`}
      className="jp-Turing-Jobs-fieldError"
      data-testid={`schedule-error-${slug}`}
    >
      {messages.map((message, index) => (
        <div key={index}>{message}</div>
      ))}
    </div>
  );
}

/** Props of {@link Field}. */
export interface FieldProps {
  idPrefix: string;
  field: FieldKey;
  label: string;
  errors: FieldErrors;
  /** Renders the control with the id the label points at. */
  children: (id: string) => React.ReactNode;
  hint?: React.ReactNode;
}

/** A labelled control with its inline errors. */
export function Field({ idPrefix, field, label, errors, children, hint }: FieldProps): React.ReactElement {
  const id = `${idPrefix}-${fieldSlug(field)}`;
  return (
    <div className="jp-Turing-Jobs-field">
      <label htmlFor={id}>{label}</label>
      <div className="jp-Turing-Jobs-fieldControl">
        {children(id)}
        {hint && <div className="jp-Turing-Jobs-hint">{hint}</div>}
        <InlineErrors idPrefix={idPrefix} field={field} errors={errors} />
      </div>
    </div>
  );
}
