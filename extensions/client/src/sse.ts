/**
 * An incremental `text/event-stream` parser: feed it decoded text as it
 * arrives; it calls `onMessage` with the `data` of each complete event and
 * its `event` name (`message` when the event names none).
 */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private eventName = '';

  constructor(private readonly onMessage: (data: string, event: string) => void) {}

  /** Feeds a chunk of decoded text. */
  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.search(/\r\n|\r|\n/);
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone '\r' at the end may be the first half of '\r\n': wait for more.
      if (width === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) {
        break;
      }
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
      newline = this.buffer.search(/\r\n|\r|\n/);
    }
  }

  /** Ends the stream; an event not terminated by a blank line is dropped, as the spec says. */
  end(): void {
    this.buffer = '';
    this.data = [];
    this.eventName = '';
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) {
        const data = this.data.join('\n');
        const event = this.eventName || 'message';
        this.data = [];
        this.eventName = '';
        this.onMessage(data, event);
      } else {
        this.eventName = '';
      }
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'data') {
      this.data.push(value);
    } else if (field === 'event') {
      this.eventName = value;
    }
  }
}

/**
 * Reads a `text/event-stream` response body, calling `onMessage` per event
 * until it returns `true` (then the rest of the stream is cancelled) or the
 * stream ends. Resolves with whether `onMessage` stopped the reading.
 */
export async function readEventStream(
  response: Response,
  onMessage: (data: string, event: string) => boolean,
): Promise<boolean> {
  let stopped = false;
  const parser = new EventStreamParser((data, event) => {
    if (!stopped && onMessage(data, event) === true) {
      stopped = true;
    }
  });
  if (!response.body) {
    parser.push(await response.text());
    parser.push('\n\n');
    parser.end();
    return stopped;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!stopped) {
      const { done, value } = await reader.read();
      if (done) {
        parser.push(decoder.decode());
        break;
      }
      parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    if (stopped) {
      await reader.cancel().catch(() => undefined);
    }
  }
  parser.end();
  return stopped;
}
