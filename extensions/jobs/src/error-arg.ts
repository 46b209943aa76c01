import type { PartialJSONObject } from '@lumino/coreutils';
import type { ShownError } from '@turing/ui';

/**
 * A {@link ShownError} carried in a command's arguments, so the Schedule
 * dialog and the `turing:run-job` command can hand a refusal to the Jobs
 * panel: the panel shows it whole in its alert, where a notification would cut
 * the server's detail short.
 */

/** The error as command arguments accept it (JSON, no `undefined` members). */
export function errorArg(error: ShownError): PartialJSONObject {
  const arg: PartialJSONObject = { title: error.title, fields: [...error.fields] };
  if (error.detail !== undefined) {
    arg.detail = error.detail;
  }
  if (error.requestId !== undefined) {
    arg.requestId = error.requestId;
  }
  if (error.retryAfterSeconds !== undefined) {
    arg.retryAfterSeconds = error.retryAfterSeconds;
  }
  if (error.loginUrl !== undefined) {
    arg.loginUrl = error.loginUrl;
  }
  return arg;
}

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The error a command was given, or `undefined` when the argument is absent or not one. */
export function shownErrorArg(value: unknown): ShownError | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const arg = value as Record<string, unknown>;
  const title = optionalString(arg.title);
  if (title === undefined) {
    return undefined;
  }
  const shown: ShownError = {
    title,
    fields: Array.isArray(arg.fields) ? arg.fields.filter((f): f is string => typeof f === 'string') : [],
  };
  const detail = optionalString(arg.detail);
  const requestId = optionalString(arg.requestId);
  const loginUrl = optionalString(arg.loginUrl);
  const retry = arg.retryAfterSeconds;
  if (detail !== undefined) {
    shown.detail = detail;
  }
  if (requestId !== undefined) {
    shown.requestId = requestId;
  }
  if (loginUrl !== undefined) {
    shown.loginUrl = loginUrl;
  }
  if (typeof retry === 'number' && Number.isFinite(retry) && retry >= 0) {
    shown.retryAfterSeconds = retry;
  }
  return shown;
}
