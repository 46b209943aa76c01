import { describe, expect, it } from 'vitest';
import { SharedLogFollower, SlowLogViewerError, type LogUpstream } from './shared-log-follower.js';

/** An in-memory upstream: the test pushes text, ends or breaks it, and sees how often it was opened and closed. */
class PushSource {
  opened = 0;
  closed = 0;
  private queue: string[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  readonly open: LogUpstream = (signal) => {
    this.opened += 1;
    return this.iterate(signal);
  };

  push(text: string): void {
    this.queue.push(text);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  fail(err: Error): void {
    this.failure = err;
    this.wake?.();
  }

  private async *iterate(signal: AbortSignal): AsyncGenerator<string> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal.aborted) return;
        const next = this.queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.closed += 1;
    }
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Reads `stream` in the background into `text`, until it ends or throws (kept in `error`). */
function reader(stream: AsyncIterable<string>) {
  const state = { text: '', error: undefined as unknown, done: false };
  const finished = (async () => {
    try {
      for await (const chunk of stream) state.text += chunk;
    } catch (err) {
      state.error = err;
    } finally {
      state.done = true;
    }
  })();
  return Object.assign(state, { finished });
}

describe('SharedLogFollower', () => {
  it('opens one upstream for 100 viewers of a run and gives each of them every line', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower();
    const viewers = Array.from({ length: 100 }, () =>
      reader(follower.follow('run-a', source.open, new AbortController().signal)),
    );
    source.push('one\n');
    source.push('two\n');
    await tick();
    expect(source.opened).toBe(1);
    expect(follower.openUpstreams).toBe(1);
    expect(follower.viewers('run-a')).toBe(100);
    source.end();
    await Promise.all(viewers.map((v) => v.finished));
    for (const viewer of viewers) expect(viewer.text).toBe('one\ntwo\n');
    expect(follower.openUpstreams).toBe(0);
  });

  it('gives a viewer who joins late the lines seen so far, then the live ones', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower();
    const first = reader(follower.follow('run-a', source.open, new AbortController().signal));
    source.push('early 1\n');
    source.push('early 2\n');
    await tick();
    const late = reader(follower.follow('run-a', source.open, new AbortController().signal));
    await tick();
    expect(late.text).toBe('early 1\nearly 2\n');
    source.push('live\n');
    source.end();
    await Promise.all([first.finished, late.finished]);
    expect(late.text).toBe('early 1\nearly 2\nlive\n');
    expect(source.opened).toBe(1);
  });

  it('keeps at most historyChars for late viewers and says how much earlier text it dropped', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower({ historyChars: 20 });
    const first = reader(follower.follow('run-a', source.open, new AbortController().signal));
    for (let i = 0; i < 10; i++) source.push(`line ${i}\n`); // 7 characters each
    await tick();
    const late = reader(follower.follow('run-a', source.open, new AbortController().signal));
    await tick();
    // Two lines fit in 20 characters (a third would make 21); the other eight (56 characters) went.
    expect(late.text).toBe('[… 56 earlier characters of this log are not shown here]\nline 8\nline 9\n');
    expect(first.text).toContain('line 0\n');
    source.end();
    await Promise.all([first.finished, late.finished]);
  });

  it('closes the upstream when the last viewer leaves and the linger has passed', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower({ lingerMs: 50 });
    const views = [new AbortController(), new AbortController()];
    const viewers = views.map((c) => reader(follower.follow('run-a', source.open, c.signal)));
    source.push('x\n');
    await tick();
    views[0]?.abort();
    await viewers[0]?.finished;
    expect(follower.openUpstreams).toBe(1);
    views[1]?.abort();
    await viewers[1]?.finished;
    expect(source.closed).toBe(0); // lingering
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(source.closed).toBe(1);
    expect(follower.openUpstreams).toBe(0);
  });

  it('hands a viewer who comes back within the linger the same upstream', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower({ lingerMs: 1_000 });
    const leaving = new AbortController();
    const first = reader(follower.follow('run-a', source.open, leaving.signal));
    source.push('before\n');
    await tick();
    leaving.abort();
    await first.finished;
    const back = reader(follower.follow('run-a', source.open, new AbortController().signal));
    source.push('after\n');
    source.end();
    await back.finished;
    expect(back.text).toBe('before\nafter\n');
    expect(source.opened).toBe(1);
  });

  it('closes the upstream at once with lingerMs 0', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower({ lingerMs: 0 });
    const leaving = new AbortController();
    const viewer = reader(follower.follow('run-a', source.open, leaving.signal));
    await tick();
    leaving.abort();
    await viewer.finished;
    await tick();
    expect(source.closed).toBe(1);
    expect(follower.openUpstreams).toBe(0);
  });

  it('disconnects a viewer that stops reading once its backlog passes the bound, and the others go on', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower({ viewerBacklogChars: 100 });
    const fast = reader(follower.follow('run-a', source.open, new AbortController().signal));
    // The slow viewer reads one chunk and then stalls: nothing pulls its next item.
    const slow = follower.follow('run-a', source.open, new AbortController().signal)[Symbol.asyncIterator]();
    source.push('first\n');
    expect((await slow.next()).value).toBe('first\n');
    for (let i = 0; i < 50; i++) source.push(`line ${String(i).padStart(3, '0')}\n`); // 9 characters each
    await tick();
    expect(fast.text.split('\n')).toHaveLength(52); // first, 50 lines, and the empty tail
    // It is told why when it reads again, and gets none of the text it missed.
    await expect(slow.next()).rejects.toThrow(SlowLogViewerError);
    expect(follower.viewers('run-a')).toBe(1);
    source.push('after\n');
    source.end();
    await fast.finished;
    expect(fast.text.endsWith('line 049\nafter\n')).toBe(true);
    expect(fast.error).toBeUndefined();
  });

  it('ends every viewer when the upstream ends, and the next viewer opens a new upstream', async () => {
    const source = new PushSource();
    const follower = new SharedLogFollower();
    const viewer = reader(follower.follow('run-a', source.open, new AbortController().signal));
    source.push('a\n');
    source.end();
    await viewer.finished;
    expect(viewer.text).toBe('a\n');
    const next = new PushSource();
    const again = reader(follower.follow('run-a', next.open, new AbortController().signal));
    next.push('b\n');
    next.end();
    await again.finished;
    expect(again.text).toBe('b\n');
    expect([source.opened, next.opened]).toEqual([1, 1]);
  });

  it('ends the viewers of a failed upstream normally and reports the failure', async () => {
    const source = new PushSource();
    const failures: unknown[] = [];
    const follower = new SharedLogFollower({ onError: (_key, err) => failures.push(err) });
    const viewer = reader(follower.follow('run-a', source.open, new AbortController().signal));
    source.push('partial\n');
    await tick();
    source.fail(new Error('stream broke'));
    await viewer.finished;
    expect(viewer.text).toBe('partial\n');
    expect(viewer.error).toBeUndefined();
    expect(failures).toEqual([new Error('stream broke')]);
  });

  it('keeps runs apart: each key has its own upstream and its own text', async () => {
    const a = new PushSource();
    const b = new PushSource();
    const events: string[] = [];
    const follower = new SharedLogFollower({ onUpstream: (e) => events.push(e) });
    const viewA = reader(follower.follow('run-a', a.open, new AbortController().signal));
    const viewB = reader(follower.follow('run-b', b.open, new AbortController().signal));
    a.push('from a\n');
    b.push('from b\n');
    a.end();
    b.end();
    await Promise.all([viewA.finished, viewB.finished]);
    expect([viewA.text, viewB.text]).toEqual(['from a\n', 'from b\n']);
    expect(events).toEqual(['open', 'open', 'close', 'close']);
  });
});
