import React from 'react';

/** Where an error is shown: a field name or any key the form defines (`alert:0`). */
export type FieldKey = string;

/** Error messages per field. */
export type FieldErrors = Record<FieldKey, string[]>;

/** What the fields of one form share: their DOM ids, test ids and errors. */
export interface FieldScope {
  /** A prefix for DOM ids, unique per form on the page. */
  idPrefix: string;
  /** A prefix for test ids: each field's messages get `<testIdPrefix>-error-<field>`. */
  testIdPrefix?: string;
  /** The messages per field. */
  errors: FieldErrors;
}

/** The DOM id / test id suffix of a field key (`alert:0` -> `alert-0`). */
export function fieldSlug(field: FieldKey): string {
  return field.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** The accessibility props that tie a control to its inline errors. */
export function errorProps(
  scope: FieldScope,
  field: FieldKey,
): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return scope.errors[field]?.length
    ? { 'aria-invalid': true, 'aria-describedby': `${scope.idPrefix}-error-${fieldSlug(field)}` }
    : {};
}

/** Props of {@link InlineErrors}. */
export interface InlineErrorsProps {
  scope: FieldScope;
  field: FieldKey;
}

/** The messages of one field, shown under it. */
export function InlineErrors({ scope, field }: InlineErrorsProps): React.ReactElement | null {
  const messages = scope.errors[field];
  if (!messages?.length) {
    return null;
  }
  const slug = fieldSlug(field);
  return (
    <div
      id={`${scope.idPrefix}-error-${slug}`}
      className="jp-Turing-FieldError"
      data-testid={scope.testIdPrefix ? `${scope.testIdPrefix}-error-${slug}` : undefined}
    >
      {messages.map((message, index) => (
        <div key={index}>{message}</div>
      ))}
    </div>
  );
}

/** Props of {@link Field}. */
export interface FieldProps {
  scope: FieldScope;
  field: FieldKey;
  label: string;
  /** Renders the control with the id the label points at. */
  children: (id: string) => React.ReactNode;
  hint?: React.ReactNode;
}

/** A labelled control with its hint and inline errors. */
export function Field({ scope, field, label, children, hint }: FieldProps): React.ReactElement {
  const id = `${scope.idPrefix}-${fieldSlug(field)}`;
  return (
    <div className="jp-Turing-FormField">
      <label htmlFor={id}>{label}</label>
      <div className="jp-Turing-FormField-control">
        {children(id)}
        {hint && <div className="jp-Turing-Hint">{hint}</div>}
        <InlineErrors scope={scope} field={field} />
      </div>
    </div>
  );
}
