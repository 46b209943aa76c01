import type { SpawnProgressEvent } from '@turing/client';

/** A progress value for the bar, 0 to 100 (unknown progress is 0). */
export function progressPercent(event: SpawnProgressEvent): number {
  const value = event.progress;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return event.ready ? 100 : 0;
  }
  return Math.min(100, Math.max(0, Math.round(value)));
}

/**
 * Where to open JupyterLab once a server is ready: the `url` of the ready
 * event (the server's path) if it sent one, else `serverUrl`, then `lab`.
 */
export function labUrlOf(event: SpawnProgressEvent, serverUrl: string): string {
  const base = event.url && event.url.startsWith('/') ? event.url : serverUrl;
  return `${base.endsWith('/') ? base : `${base}/`}lab`;
}
