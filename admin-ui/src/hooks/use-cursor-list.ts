import type { ShownError } from '@turing/ui/lib/error-message';
import { toShownError } from '@turing/ui/lib/error-message';
import { useState } from 'react';

import type { Page } from '../api/types';
import { useResource } from './use-resource';

/** A cursor-paged list: the pages loaded so far, one after the other. */
export interface CursorList<T> {
  items: T[];
  /** More pages exist. */
  hasMore: boolean;
  loading: boolean;
  error: ShownError | null;
  loadMore: () => Promise<void>;
  reload: () => Promise<unknown>;
}

/**
 * The first page of `load(undefined)` whenever `key` (the filters) changes,
 * then further pages with each answer's `next` cursor.
 */
export function useCursorList<T>(load: (cursor?: string) => Promise<Page<T>>, key: string): CursorList<T> {
  const first = useResource(() => load(undefined), key);
  const [more, setMore] = useState<{ key: string; items: T[]; next?: string }>({ key, items: [] });
  const [moreError, setMoreError] = useState<ShownError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const extra = more.key === key ? more : { key, items: [] as T[], next: undefined };
  const next = extra.items.length ? extra.next : first.data?.next;

  const loadMore = async (): Promise<void> => {
    if (!next) {
      return;
    }
    setLoadingMore(true);
    try {
      const page = await load(next);
      setMore({ key, items: [...extra.items, ...page.items], next: page.next });
      setMoreError(null);
    } catch (error) {
      setMoreError(toShownError(error));
    } finally {
      setLoadingMore(false);
    }
  };

  return {
    items: [...(first.data?.items ?? []), ...extra.items],
    hasMore: Boolean(next),
    loading: first.loading || loadingMore,
    error: first.error ?? moreError,
    loadMore,
    reload: async () => {
      setMore({ key, items: [] });
      return first.reload();
    },
  };
}
