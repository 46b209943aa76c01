/**
 * Opens one run's live log: text chunks until the log ends; aborting
 * `signal` must end it promptly (and release whatever it holds upstream).
 */
export type LogUpstream = (signal: AbortSignal) => AsyncIterable<string>;

/** Settings of a {@link SharedLogFollower}. Sizes are in characters (UTF-16 code units). */
export interface SharedLogFollowerOptions {
  /** Log text kept per run for viewers who join late; the oldest is dropped beyond it. Default 1 Mi. */
  historyChars?: number;
  /** Text waiting for one viewer before it is disconnected as too slow. Default 1 Mi. */
  viewerBacklogChars?: number;
  /** How long an upstream stays open after its last viewer left, for one who comes back. Default 5 s. */
  lingerMs?: number;
  /** Told when an upstream opens and closes (metrics). */
  onUpstream?(event: 'open' | 'close'): void;
  /** Told when an upstream fails; its viewers' streams then end as if the log had. */
  onError?(key: string, err: unknown): void;
}

/** Thrown to a viewer that fell more than `viewerBacklogChars` behind; the others go on. */
export class SlowLogViewerError extends Error {
  override readonly name = 'SlowLogViewerError';
}

interface Viewer {
  queue: string[];
  queuedChars: number;
  slow: boolean;
  wake: (() => void) | undefined;
}

interface Channel {
  readonly key: string;
  readonly controller: AbortController;
  readonly viewers: Set<Viewer>;
  history: string[];
  historyChars: number;
  droppedChars: number;
  done: boolean;
  linger: NodeJS.Timeout | undefined;
}

const MI = 1024 * 1024;

/**
 * One upstream per key (a run), shared by every viewer of it. The first
 * viewer opens the upstream; a later one first gets the text seen so far
 * (at most `historyChars`, with a note saying how much earlier text was
 * dropped) and then the live text. The upstream closes when it ends, or
 * `lingerMs` after the last viewer left. Each viewer has its own queue: a
 * viewer that does not keep up is disconnected with {@link SlowLogViewerError}
 * once `viewerBacklogChars` wait for it, and never holds the others back.
 * Memory per run is thus bounded by `historyChars + viewers × viewerBacklogChars`.
 */
export class SharedLogFollower {
  private readonly channels = new Map<string, Channel>();
  private readonly historyChars: number;
  private readonly backlogChars: number;
  private readonly lingerMs: number;

  constructor(private readonly options: SharedLogFollowerOptions = {}) {
    this.historyChars = options.historyChars ?? MI;
    this.backlogChars = options.viewerBacklogChars ?? MI;
    this.lingerMs = options.lingerMs ?? 5_000;
  }

  /** Upstreams open now. */
  get openUpstreams(): number {
    return this.channels.size;
  }

  /** Viewers of `key` now. */
  viewers(key: string): number {
    return this.channels.get(key)?.viewers.size ?? 0;
  }

  /**
   * The log of `key` as it grows, from its start (as far as the history
   * keeps it), ending when the upstream ends or `signal` aborts. `open` is
   * called only if no upstream of `key` is open.
   */
  async *follow(key: string, open: LogUpstream, signal: AbortSignal): AsyncGenerator<string> {
    if (signal.aborted) return;
    const channel = this.channels.get(key) ?? this.openChannel(key, open);
    const viewer = this.join(channel);
    const wake = () => viewer.wake?.();
    signal.addEventListener('abort', wake, { once: true });
    try {
      for (;;) {
        if (signal.aborted) return;
        if (viewer.slow) {
          throw new SlowLogViewerError(
            `This log viewer fell more than ${this.backlogChars} characters behind and was disconnected; reconnect to resume.`,
          );
        }
        if (viewer.queue.length > 0) {
          const text = viewer.queue.join('');
          viewer.queue = [];
          viewer.queuedChars = 0;
          yield text;
          continue;
        }
        if (channel.done) return;
        await new Promise<void>((resolve) => {
          viewer.wake = resolve;
        });
        viewer.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', wake);
      this.leave(channel, viewer);
    }
  }

  /** Closes every upstream (shutdown); their viewers' streams end. */
  close(): void {
    for (const channel of this.channels.values()) channel.controller.abort();
  }

  private openChannel(key: string, open: LogUpstream): Channel {
    const channel: Channel = {
      key,
      controller: new AbortController(),
      viewers: new Set(),
      history: [],
      historyChars: 0,
      droppedChars: 0,
      done: false,
      linger: undefined,
    };
    this.channels.set(key, channel);
    this.options.onUpstream?.('open');
    void this.pump(channel, open);
    return channel;
  }

  private async pump(channel: Channel, open: LogUpstream): Promise<void> {
    const { signal } = channel.controller;
    try {
      for await (const text of open(signal)) {
        if (signal.aborted) break;
        if (text) this.publish(channel, text);
      }
    } catch (err) {
      if (!signal.aborted) this.options.onError?.(channel.key, err);
    } finally {
      channel.done = true;
      clearTimeout(channel.linger);
      if (this.channels.get(channel.key) === channel) this.channels.delete(channel.key);
      this.options.onUpstream?.('close');
      for (const viewer of channel.viewers) viewer.wake?.();
    }
  }

  private publish(channel: Channel, text: string): void {
    channel.history.push(text);
    channel.historyChars += text.length;
    while (channel.historyChars > this.historyChars && channel.history.length > 1) {
      const dropped = channel.history.shift() ?? '';
      channel.historyChars -= dropped.length;
      channel.droppedChars += dropped.length;
    }
    for (const viewer of channel.viewers) {
      if (viewer.slow) continue;
      viewer.queue.push(text);
      viewer.queuedChars += text.length;
      if (viewer.queuedChars > this.backlogChars) {
        // Its queue goes now: a stalled reader must not hold memory until it wakes.
        viewer.slow = true;
        viewer.queue = [];
        viewer.queuedChars = 0;
      }
      viewer.wake?.();
    }
  }

  private join(channel: Channel): Viewer {
    clearTimeout(channel.linger);
    channel.linger = undefined;
    const queue = [...channel.history];
    if (channel.droppedChars > 0) {
      queue.unshift(`[… ${channel.droppedChars} earlier characters of this log are not shown here]\n`);
    }
    const viewer: Viewer = {
      queue,
      queuedChars: channel.historyChars,
      slow: false,
      wake: undefined,
    };
    channel.viewers.add(viewer);
    return viewer;
  }

  private leave(channel: Channel, viewer: Viewer): void {
    channel.viewers.delete(viewer);
    if (channel.viewers.size > 0 || channel.done) return;
    if (this.lingerMs <= 0) {
      this.closeChannel(channel);
      return;
    }
    channel.linger = setTimeout(() => {
      if (channel.viewers.size === 0) this.closeChannel(channel);
    }, this.lingerMs);
    channel.linger.unref();
  }

  /** Aborts the upstream and forgets it at once, so a viewer arriving meanwhile opens a new one. */
  private closeChannel(channel: Channel): void {
    if (this.channels.get(channel.key) === channel) this.channels.delete(channel.key);
    channel.controller.abort();
  }
}
