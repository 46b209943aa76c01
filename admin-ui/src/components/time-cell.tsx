import { formatRelativeTime } from '@turing/ui/lib/relative-time';
import React from 'react';

import { trans } from '../app/translation';

/** A time in a table: "3 min ago", with the exact local time as a tooltip and `datetime`. */
export function TimeCell({ iso }: { iso: string | undefined }): React.ReactElement | null {
  if (!iso) {
    return null;
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) {
    return <>{iso}</>;
  }
  return (
    <time dateTime={iso} title={time.toLocaleString()}>
      {formatRelativeTime(time, Date.now(), trans)}
    </time>
  );
}

/** A sort value for an optional ISO time (missing ones last when ascending). */
export function timeSortValue(iso: string | undefined): number {
  return iso ? Date.parse(iso) : Number.NaN;
}
