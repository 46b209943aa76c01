import type { CurrentServer, EnvironmentsResponse, ITuringClient, Me } from '@turing/client';
import type { ShownError } from '@turing/ui';
import { toShownError } from '@turing/ui';
import { useCallback, useEffect, useState } from 'react';

/** The catalog as loaded from hub-proxy. */
export interface CatalogState {
  data: EnvironmentsResponse | null;
  me: Me | null;
  loading: boolean;
  error: ShownError | null;
}

/**
 * The environment this page's server runs in: its entry in `servers`, else
 * `current` (the default server's), else `me.server`; `undefined` if unknown.
 */
export function currentServerOf(state: CatalogState, serverName: string): CurrentServer | undefined {
  const listed = state.data?.servers?.find((s) => s.serverName === serverName);
  if (listed) {
    return listed;
  }
  return serverName === '' ? (state.data?.current ?? state.me?.server) : undefined;
}

/**
 * Loads the catalog (then `me`, for the current server; its failure only
 * leaves the current environment unknown). Returns the state and a reload.
 */
export function useCatalog(client: ITuringClient): [CatalogState, () => void] {
  const [state, setState] = useState<CatalogState>({ data: null, me: null, loading: true, error: null });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    // Sequential on purpose: the first GET may run the silent login; `me` then reuses its cookie.
    client.environments
      .list()
      .then(async (data) => {
        const me = await client.me().catch(() => null);
        if (live) {
          setState({ data, me, loading: false, error: null });
        }
      })
      .catch((error: unknown) => {
        if (live) {
          setState((s) => ({ ...s, loading: false, error: toShownError(error) }));
        }
      });
    return () => {
      live = false;
    };
  }, [client, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [state, reload];
}
