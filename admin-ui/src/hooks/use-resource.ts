import type { ShownError } from '@turing/ui/lib/error-message';
import { toShownError } from '@turing/ui/lib/error-message';
import { useCallback, useEffect, useRef, useState } from 'react';

/** What {@link useResource} knows about a load. */
export interface Resource<T> {
  /** The last loaded value; kept while a reload runs or after it fails. */
  data: T | undefined;
  error: ShownError | null;
  /** The raw error of the last load, for callers that look at its status. */
  rawError: unknown;
  loading: boolean;
  /** Loads again; resolves with the new value (`undefined` on failure). */
  reload: () => Promise<T | undefined>;
  /** Replaces the value without loading (after a write answered with it). */
  set: (value: T) => void;
}

/**
 * Loads `load()` on mount and whenever `key` changes. A load that finishes
 * after a newer one started is ignored, so fast filter changes cannot show
 * stale rows.
 */
export function useResource<T>(load: () => Promise<T>, key: string): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [rawError, setRawError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(async (): Promise<T | undefined> => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loader.current();
      if (mine === generation.current) {
        setData(value);
        setRawError(null);
      }
      return value;
    } catch (error) {
      if (mine === generation.current) {
        setRawError(error);
      }
      return undefined;
    } finally {
      if (mine === generation.current) {
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [key, reload]);

  return {
    data,
    error: rawError ? toShownError(rawError) : null,
    rawError,
    loading,
    reload,
    set: setData,
  };
}
