import { useCallback, useEffect, useRef, useState } from 'react';

import type { ShownError } from './error-message';
import { toShownError } from './error-message';

/** A value loaded from hub-proxy and refreshed over time. */
export interface Polled<T> {
  data: T | null;
  error: ShownError | null;
  loading: boolean;
  /** Loads again now (and restarts the timer). */
  reload: () => void;
}

/**
 * Loads `load()` now and again after `delayMs(data)` milliseconds (no further
 * loads while it returns `null`, or while `paused()`), whenever `key` changes,
 * and on `reload()`. Answers of superseded loads are dropped.
 */
export function usePolling<T>(
  key: string | null,
  load: () => Promise<T>,
  delayMs: (data: T | null) => number | null,
  paused: () => boolean = () => false,
): Polled<T> {
  const [state, setState] = useState<{ data: T | null; error: ShownError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: key !== null,
  });
  const [generation, setGeneration] = useState(0);
  const latest = useRef({ load, delayMs, paused });
  latest.current = { load, delayMs, paused };
  const last = useRef<{ key: string | null; data: T | null }>({ key, data: null });

  useEffect(() => {
    if (last.current.key !== key) {
      // A new key must not show the previous key's data.
      last.current = { key, data: null };
      setState({ data: null, error: null, loading: key !== null });
    }
    if (key === null) {
      return;
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      if (!latest.current.paused()) {
        setState((s) => ({ ...s, loading: true }));
        try {
          const data = await latest.current.load();
          if (live) {
            last.current = { key, data };
            setState({ data, error: null, loading: false });
          }
        } catch (error) {
          if (live) {
            setState((s) => ({ ...s, error: toShownError(error), loading: false }));
          }
        }
      }
      const delay = live ? latest.current.delayMs(last.current.data) : null;
      if (live && delay !== null) {
        timer = setTimeout(() => void tick(), delay);
      }
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
