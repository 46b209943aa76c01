import type { AlertEvent, RunRecord, RunState } from '../model.js';
import { sendPinned } from './pinned-request.js';
import { WEBHOOK_NOT_ALLOWED, type WebhookPolicy } from './webhook-policy.js';

/**
 * Run alerts: the Slack-compatible payload, its delivery with retries, and
 * the reachability check the create dialog runs on webhook URLs. Webhook
 * URLs are secrets (a Slack URL's path is its credential), so errors and
 * results here never contain one; {@link alertTarget} is what may be shown.
 */

/** The alert a run's terminal state raises, if any (cancelled runs raise none). */
export function alertEventFor(state: RunState): AlertEvent | undefined {
  switch (state) {
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'failure';
    case 'timed_out':
      return 'timeout';
    default:
      return undefined;
  }
}

/** The fields of an alert for receivers that are not Slack. */
export interface TuringAlertFields {
  event: AlertEvent;
  runId: string;
  job: string;
  owner: string;
  state: RunState;
  trigger: RunRecord['trigger'];
  attempt: number;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  runUrl?: string;
}

/** A Slack `section` block with mrkdwn text. */
export interface SlackSectionBlock {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}

/** What is POSTed to a webhook: Slack's `text` + `blocks`, and the plain fields under `turing`. */
export interface AlertPayload {
  text: string;
  blocks: SlackSectionBlock[];
  turing: TuringAlertFields;
}

const HEADLINES: Record<AlertEvent, { emoji: string; verb: string }> = {
  success: { emoji: ':white_check_mark:', verb: 'succeeded' },
  failure: { emoji: ':x:', verb: 'failed' },
  timeout: { emoji: ':hourglass:', verb: 'timed out' },
};
/** Slack caps a section's text at 3000 characters; the reason gets a share of it. */
const MAX_REASON_CHARS = 1500;

/** Escapes the three characters Slack mrkdwn treats as markup. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Builds the JSON body for one alert of `run`. */
export function buildAlertPayload(
  run: RunRecord,
  event: AlertEvent,
  links: { runUrl?: string },
): AlertPayload {
  const { emoji, verb } = HEADLINES[event];
  const reason = run.reason === undefined ? undefined : truncate(run.reason, MAX_REASON_CHARS);
  const text = escapeMrkdwn(`${emoji} Job ${run.job} ${verb} (run ${run.id}, owner ${run.owner})`);
  const lines = [
    `${emoji} Job *${escapeMrkdwn(run.job)}* ${verb}`,
    `Run \`${escapeMrkdwn(run.id)}\` · owner ${escapeMrkdwn(run.owner)}`,
  ];
  const times = [
    run.startedAt === undefined ? undefined : `started ${run.startedAt}`,
    run.finishedAt === undefined ? undefined : `finished ${run.finishedAt}`,
    run.attempt > 1 ? `attempt ${run.attempt}` : undefined,
  ].filter((part) => part !== undefined);
  if (times.length > 0) lines.push(times.join(' · '));
  // The reason is often a traceback line; backticks would end the code span early.
  if (reason !== undefined) lines.push(`Reason: \`${escapeMrkdwn(reason.replace(/`/g, "'"))}\``);
  // `|` and `>` end a Slack link; a percent-encoded URL has neither.
  if (links.runUrl !== undefined)
    lines.push(`<${links.runUrl.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|Open the run>`);

  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
    turing: {
      event,
      runId: run.id,
      job: run.job,
      owner: run.owner,
      state: run.state,
      trigger: run.trigger,
      attempt: run.attempt,
      ...(reason === undefined ? {} : { reason }),
      ...(run.startedAt === undefined ? {} : { startedAt: run.startedAt }),
      ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
      ...(links.runUrl === undefined ? {} : { runUrl: links.runUrl }),
    },
  };
}

/** The part of a webhook URL that may be logged and stored: its origin, or `invalid URL`. */
export function alertTarget(url: string): string {
  const parsed = parseWebhookUrl(url);
  return parsed ? parsed.origin : 'invalid URL';
}

function parseWebhookUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Network error codes, in words a user understands. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

/**
 * A readable reason for a failed fetch, built only from error names and
 * codes: messages of URL errors can contain the (secret) URL.
 */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  const chain: unknown[] = [];
  for (
    let e: unknown = err;
    typeof e === 'object' && e !== null && chain.length < 5;
    e = (e as Error).cause
  ) {
    chain.push(e);
  }
  for (const e of chain) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return `no response within ${timeoutMs} ms`;
    if (typeof code === 'string' && NETWORK_ERRORS[code]) return NETWORK_ERRORS[code];
  }
  for (const e of chain) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string') return `network error (${code})`;
  }
  return 'network error';
}

/** Options of {@link deliverAlert}. */
export interface DeliverAlertOptions {
  /** Sent as `Idempotency-Key`, the same on every attempt (e.g. `<run id>/<event>`). */
  idempotencyKey: string;
  /** Tries in all, including the first. */
  attempts?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Wait before the second attempt; doubles after each retry (a 429's Retry-After may lengthen it). */
  backoffMs?: number;
  /** Decides whether and where the webhook may be called. */
  policy: WebhookPolicy;
}

/** The outcome of {@link deliverAlert}; `status` and `error` describe the last attempt. */
export interface AlertDeliveryResult {
  delivered: boolean;
  attempts: number;
  status?: number;
  /** May be shown to the job's owner; a refusal is only ever {@link WEBHOOK_NOT_ALLOWED}. */
  error?: string;
  /** Why the policy refused the webhook: for the server log only, never for users. */
  refused?: string;
}

/** Longest wait between attempts, whatever a Retry-After header asks for. */
const MAX_BACKOFF_MS = 30_000;

function retryAfterMs(header: string | null): number {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/**
 * POSTs `payload` as JSON to `webhook` until a 2xx answer or `attempts` run
 * out. The policy resolves and checks the host once, and every attempt goes
 * to the address it checked. Network errors, timeouts, 5xx and 429 are
 * retried; other answers (4xx, and redirects, which are not followed) are
 * final. Never throws.
 */
export async function deliverAlert(
  webhook: string,
  payload: AlertPayload,
  options: DeliverAlertOptions,
): Promise<AlertDeliveryResult> {
  const { idempotencyKey, attempts = 3, timeoutMs = 5000, backoffMs = 500 } = options;
  const verdict = await options.policy.check(webhook);
  if (!verdict.allowed) {
    return { delivered: false, attempts: 0, error: WEBHOOK_NOT_ALLOWED, refused: verdict.reason };
  }
  const body = JSON.stringify(payload);
  let result: AlertDeliveryResult = { delivered: false, attempts: 0 };
  let wait = backoffMs;
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    let retryable: boolean;
    let retryAfter = 0;
    try {
      const response = await sendPinned(verdict.target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          'user-agent': 'turing-hub-proxy',
        },
        body,
        timeoutMs,
      });
      const ok = response.status >= 200 && response.status < 300;
      if (ok) return { delivered: true, attempts: attempt, status: response.status };
      result = {
        delivered: false,
        attempts: attempt,
        status: response.status,
        error: `HTTP ${response.status}`,
      };
      retryable = response.status >= 500 || response.status === 429;
      if (response.status === 429) retryAfter = retryAfterMs(response.retryAfter ?? null);
    } catch (err) {
      result = { delivered: false, attempts: attempt, error: describeFetchError(err, timeoutMs) };
      retryable = true;
    }
    if (!retryable || attempt >= attempts) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, Math.max(wait, retryAfter))));
    wait *= 2;
  }
  return result;
}

/** Whether a webhook URL answers at all; see {@link checkWebhookReachable}. */
export type WebhookReachability = { reachable: true } | { reachable: false; reason: string };

/**
 * Asks the policy, then sends one HEAD request to the checked address. Any
 * HTTP answer, even 404 or 405, counts as reachable: the point is to catch
 * typos in host names and ports before a job is saved, without posting a
 * fake alert. `reason` is for the server log; users get
 * {@link WEBHOOK_NOT_ALLOWED} whatever it says.
 */
export async function checkWebhookReachable(
  url: string,
  options: { timeoutMs?: number; policy: WebhookPolicy },
): Promise<WebhookReachability> {
  const { timeoutMs = 3000 } = options;
  const verdict = await options.policy.check(url);
  if (!verdict.allowed) return { reachable: false, reason: `refused: ${verdict.reason}` };
  try {
    await sendPinned(verdict.target, {
      method: 'HEAD',
      headers: { 'user-agent': 'turing-hub-proxy' },
      timeoutMs,
    });
    return { reachable: true };
  } catch (err) {
    return { reachable: false, reason: describeFetchError(err, timeoutMs) };
  }
}
