import { TuringApiError, TuringLoginRequiredError } from './errors';

/** Turns an error answer (status, status text, parsed body, headers) into the error to throw. */
export type ProblemToError = (status: number, statusText: string, body: unknown, headers: Headers) => Error;

/** Options of {@link checkResponse}. */
export interface CheckResponseOptions {
  /** Where the user logs in to the hub again (the `loginUrl` of the thrown error). */
  loginUrl: string;
  /** The URL named when an HTML error page answers without a URL of its own. */
  where: string;
  /** The error of a JSON (problem+json) or text error answer. */
  toError: ProblemToError;
}

/** Whether an answer is HTML: the hub's login page or a proxy's error page, never the API's JSON. */
export function isHtmlResponse(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().includes('text/html');
}

/** The body of an error answer: its JSON when the content type says JSON and it parses, else its text. */
export async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    return text;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Throws for an answer that is not the API's: a successful HTML answer is the
 * hub's login form (the silent login ended there, the hub session is gone:
 * {@link TuringLoginRequiredError}); another HTML answer is a
 * {@link TuringApiError} naming its URL; an error status becomes
 * `options.toError` of its problem+json body. Resolves for any other answer.
 */
export async function checkResponse(response: Response, options: CheckResponseOptions): Promise<void> {
  if (isHtmlResponse(response)) {
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) {
      throw new TuringLoginRequiredError(options.loginUrl);
    }
    throw new TuringApiError({
      status: response.status,
      title: response.statusText || `HTTP ${response.status}`,
      detail: `The Turing service did not answer at ${response.url || options.where}.`,
    });
  }
  if (response.ok) {
    return;
  }
  const body = await readErrorBody(response);
  throw options.toError(response.status, response.statusText, body, response.headers);
}
