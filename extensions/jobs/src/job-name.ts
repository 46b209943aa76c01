/**
 * Job names: what hub-proxy accepts (`JOB_NAME_PATTERN` in
 * `hub-proxy/src/jobs/naming.ts`, repeated here because the browser bundle
 * cannot import hub-proxy) and a default derived from a notebook's file name.
 */

/** A user-facing job name: a lowercase DNS label of at most 38 characters starting with a letter. */
export const JOB_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,36}[a-z0-9])?$/;

/** The longest job name. */
export const JOB_NAME_MAX = 38;

/** Why a job name is refused. */
export type JobNameProblem = 'empty' | 'too-long' | 'invalid';

/** Checks a job name; `null` when hub-proxy will accept it. */
export function validateJobName(name: string): JobNameProblem | null {
  if (name === '') {
    return 'empty';
  }
  if (name.length > JOB_NAME_MAX) {
    return 'too-long';
  }
  return JOB_NAME_PATTERN.test(name) ? null : 'invalid';
}

/**
 * A valid job name derived from a notebook path: the file name without
 * `.ipynb`, lower-cased, with runs of other characters turned into one dash,
 * a leading letter guaranteed (`job-` is prefixed when needed) and cut to
 * {@link JOB_NAME_MAX} characters.
 */
export function jobNameFromPath(path: string): string {
  const file = path.split('/').pop() ?? '';
  const stem = file.replace(/\.ipynb$/i, '');
  let name = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) {
    name = name ? `job-${name}` : 'job';
  }
  return name.slice(0, JOB_NAME_MAX).replace(/-+$/, '');
}
