/** What a {@link Reconciler} may ask of the controller after a successful pass. */
export interface ReconcileResult {
  /**
   * Reconcile the key again after this many milliseconds even if nothing
   * changes (for example to notice a deadline); 0 queues it again at once.
   * The key's failure count is reset either way.
   */
  requeueAfterMs?: number;
}

/**
 * Brings one object, named by its key, to its desired state. It reads the
 * current state itself (from caches), so it works from any key at any time:
 * resolving means done (the key's backoff is forgotten), throwing means retry
 * after the key's next backoff delay.
 */
export interface Reconciler {
  // `void` so an `async reconcile(): Promise<void>` implements it without returning anything.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  reconcile(key: string): Promise<ReconcileResult | void>;
}
