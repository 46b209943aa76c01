import {
  appendFileSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';

/**
 * Secrets never reach a log. Support code registers every secret the tests
 * mint or see (hub API tokens, service tokens, run tokens, cookie values,
 * OAuth codes) and copies every log (child processes, in-process hub-proxy,
 * run logs) into one directory per integration run; the global teardown
 * scans the logs for the secrets. Test files run in separate module
 * contexts, so both live on disk, under the directory named by
 * {@link SECRETS_SCAN_DIR_ENV} (set by the global setup; unset, nothing is
 * recorded).
 */
export const SECRETS_SCAN_DIR_ENV = 'TURING_SECRETS_SCAN_DIR';

/** Where runs keep their scan directories (`test-results/` is git-ignored). */
export const SECRETS_SCAN_ROOT = resolve(import.meta.dirname, '../../test-results/secrets-scan');

/** What a registered secret is, for the report. */
export type SecretKind =
  | 'hub-api-token'
  | 'service-token'
  | 'service-account-token'
  | 'run-token'
  | 'run-token-secret'
  | 'cookie'
  | 'oauth-code'
  | 'oauth-state';

export interface Secret {
  kind: SecretKind;
  value: string;
}

/** Shorter values (e.g. `0`, `true`, a user name in a cookie) would match by accident. */
export const MIN_SECRET_LENGTH = 12;

/**
 * Run tokens (`trt<version>.<claims>.<HMAC>`) are recognised by their shape
 * too, so one a test never saw (a runner's, a controller's) still counts.
 */
const RUN_TOKEN_SHAPE = /trt\d+\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}/g;

/**
 * Cookies that are no credential. `jupyterhub-session-id` only keys the
 * hub's XSRF tokens and session-wide logout; authentication is the signed
 * `jupyterhub-hub-login` cookie. JupyterHub itself logs the session id at
 * INFO ("Setting new xsrf cookie for b'<session id>:<user hash>'",
 * jupyterhub/_xsrf_utils.py), which is not Turing's to change.
 */
const NOT_SECRET_COOKIES = new Set(['jupyterhub-session-id']);

/** True if a cookie called `name` holds something that must not be logged. */
export function isSecretCookie(name: string): boolean {
  return !NOT_SECRET_COOKIES.has(name);
}

const SECRETS_FILE = 'secrets.jsonl';
const LOGS = 'logs';

/** This run's scan directory, or undefined outside an integration run. */
export function secretsScanDir(): string | undefined {
  return process.env[SECRETS_SCAN_DIR_ENV] || undefined;
}

/** Records a secret a test minted or observed. Short or empty values are ignored. */
export function registerSecret(kind: SecretKind, value: string | null | undefined): void {
  const dir = secretsScanDir();
  if (!dir || !value || value.length < MIN_SECRET_LENGTH) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, SECRETS_FILE), `${JSON.stringify({ kind, value } satisfies Secret)}\n`);
}

let captured = 0;

/** A fresh file under the scan directory's `logs/` for a log called `name`, or undefined outside a run. */
export function logCaptureFile(name: string): string | undefined {
  const dir = secretsScanDir();
  if (!dir) return undefined;
  mkdirSync(join(dir, LOGS), { recursive: true });
  captured += 1;
  return join(dir, LOGS, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${process.pid}-${captured}.log`);
}

/** An append stream into {@link logCaptureFile}, or undefined outside a run. */
export function captureLogStream(name: string): WriteStream | undefined {
  const file = logCaptureFile(name);
  return file ? createWriteStream(file, { flags: 'a' }) : undefined;
}

/**
 * Copies the files under `sourceDir` (recursively; e.g. a local runtime's
 * run logs) into the scan directory before the test removes them; with
 * `modifiedSince`, only files written since then (a shared directory holds
 * older runs' files).
 */
export function collectLogFiles(
  sourceDir: string,
  label: string,
  options: { modifiedSince?: number } = {},
): void {
  if (!secretsScanDir() || !existsSync(sourceDir)) return;
  for (const file of listFiles(sourceDir)) {
    if (options.modifiedSince !== undefined && statSync(file).mtimeMs < options.modifiedSince) continue;
    const target = logCaptureFile(`${label}-${basename(file)}`);
    if (target) copyFileSync(file, target);
  }
}

/** One occurrence of a secret in a log. The excerpt has the secret masked. */
export interface SecretLeak {
  kind: SecretKind;
  file: string;
  line: number;
  excerpt: string;
}

/** Finds every registered secret, and anything shaped like a run token, in `text`. */
export function findSecrets(text: string, secrets: readonly Secret[], file: string): SecretLeak[] {
  const leaks: SecretLeak[] = [];
  const unique = dedupe(secrets);
  // The excerpt goes to the test output: every other secret on the line is masked too.
  const mask = (part: string) =>
    unique
      .reduce((masked, s) => masked.split(s.value).join(`<${s.kind}>`), part)
      .replace(RUN_TOKEN_SHAPE, '<run-token>');
  const report = (kind: SecretKind, index: number, length: number) => {
    const start = text.lastIndexOf('\n', index) + 1;
    const end = text.indexOf('\n', index);
    const lineText = text.slice(start, end < 0 ? undefined : end);
    const at = index - start;
    const before = mask(lineText.slice(Math.max(0, at - 120), at));
    const after = mask(lineText.slice(at + length, at + length + 120));
    leaks.push({ kind, file, line: countLines(text, index), excerpt: `${before}<${kind}>${after}` });
  };
  for (const { kind, value } of unique) {
    for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + value.length)) {
      report(kind, i, value.length);
    }
  }
  for (const match of text.matchAll(RUN_TOKEN_SHAPE)) {
    const index = match.index;
    if (!leaks.some((l) => l.kind === 'run-token' && l.line === countLines(text, index))) {
      report('run-token', index, match[0].length);
    }
  }
  return leaks;
}

/** The secrets registered in `dir`. */
export function registeredSecrets(dir: string): Secret[] {
  const file = join(dir, SECRETS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Secret);
}

/** What {@link scanForSecrets} looked at and found. */
export interface SecretsScanResult {
  secrets: number;
  files: number;
  bytes: number;
  leaks: SecretLeak[];
}

/** Scans every captured log in `dir` for every secret registered there. */
export function scanForSecrets(dir: string): SecretsScanResult {
  const secrets = registeredSecrets(dir);
  const files = existsSync(join(dir, LOGS)) ? listFiles(join(dir, LOGS)) : [];
  let bytes = 0;
  const leaks: SecretLeak[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    bytes += text.length;
    leaks.push(...findSecrets(text, secrets, file));
  }
  return { secrets: dedupe(secrets).length, files: files.length, bytes, leaks };
}

/** A human-readable report of leaks (secrets masked). */
export function describeLeaks(leaks: readonly SecretLeak[], limit = 20): string {
  const lines = leaks.slice(0, limit).map((l) => `  ${l.kind} in ${l.file}:${l.line}: ${l.excerpt}`);
  if (leaks.length > limit) lines.push(`  ... and ${leaks.length - limit} more`);
  return lines.join('\n');
}

/** Creates this run's scan directory and exports it to the workers (through the environment). */
export function startSecretsScan(): string {
  const dir = join(SECRETS_SCAN_ROOT, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(join(dir, LOGS), { recursive: true });
  process.env[SECRETS_SCAN_DIR_ENV] = dir;
  return dir;
}

/** Removes a scan directory (after a clean scan; a failed one is kept for inspection). */
export function removeSecretsScan(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function dedupe(secrets: readonly Secret[]): Secret[] {
  const seen = new Map<string, Secret>();
  for (const s of secrets)
    if (s.value.length >= MIN_SECRET_LENGTH && !seen.has(s.value)) seen.set(s.value, s);
  return [...seen.values()];
}

function countLines(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false);
}
