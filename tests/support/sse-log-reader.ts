/** A client of `GET /api/v1/runs/{id}/log?follow=1`, reading the event stream as it comes. */
export interface FollowedLog {
  /** The log text received so far. */
  readonly text: string;
  /** The run's final state once `event: end` arrived. */
  readonly end: string | undefined;
  /** Set when the stream ended (normally or not). */
  readonly closed: boolean;
  /** When each line of text (without its newline) first arrived, `performance.now()` ms. */
  readonly lineTimes: Map<string, number>;
  /** Resolves when the stream has ended. */
  readonly finished: Promise<void>;
  /** Closes the connection. */
  stop(): void;
}

/**
 * Opens the follow stream of run `runId` at `base` (`.../services/turing`)
 * with `token` and reads it in the background: `data: {"text"}` events are
 * appended to `text`, `event: end` sets `end`. Throws if the answer is not
 * a 200 event stream.
 */
export async function followRunLog(base: string, token: string, runId: string): Promise<FollowedLog> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/runs/${runId}/log?follow=1`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) {
    throw new Error(`following run ${runId}: HTTP ${res.status}: ${await res.text()}`);
  }
  const state = {
    text: '',
    end: undefined as string | undefined,
    closed: false,
    lineTimes: new Map<string, number>(),
  };
  let partialLine = '';
  const onText = (text: string) => {
    state.text += text;
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop() ?? '';
    const now = performance.now();
    for (const line of lines) if (!state.lineTimes.has(line)) state.lineTimes.set(line, now);
  };
  const body = res.body;
  const finished = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const kind = /^event: (.*)$/m.exec(event)?.[1];
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (data === undefined) continue;
          const parsed = JSON.parse(data) as { text?: string; state?: string };
          if (kind === 'end') state.end = parsed.state;
          else if (typeof parsed.text === 'string') onText(parsed.text);
        }
      }
    } catch {
      // Aborted by stop(), or the server closed the connection: either way the stream is over.
    } finally {
      state.closed = true;
    }
  })();
  return Object.assign(state, { finished, stop: () => controller.abort() });
}
