/** Anything whose readiness depends on an up-to-date view of the cluster; {@link InformerCache} fits. */
export interface SyncSource {
  readonly name: string;
  readonly synced: boolean;
  readonly lastError?: { message: string } | undefined;
}

/** One line of a readiness report, in the shape the /readyz handler aggregates. */
export interface ReadinessCheckResult {
  name: 'kubernetes';
  ok: boolean;
  detail?: string;
}

/**
 * Aggregates the informers hub-proxy relies on: ready only when every
 * registered one is synced, so a replica that lost the API server leaves the
 * Service endpoints instead of answering from a stale cache.
 */
export class KubeReadiness {
  private readonly sources = new Set<SyncSource>();

  /** Adds a source; returns a function that removes it again. */
  register(source: SyncSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** Ready when every registered source is synced; `detail` names the ones that are not, with their last error. */
  check(): Promise<ReadinessCheckResult> {
    const lagging = [...this.sources].filter((s) => !s.synced);
    if (lagging.length === 0) {
      return Promise.resolve({
        name: 'kubernetes',
        ok: true,
        detail: `${this.sources.size} informers synced`,
      });
    }
    const detail = lagging
      .map((s) => (s.lastError ? `${s.name} not synced (${s.lastError.message})` : `${s.name} not synced`))
      .join('; ');
    return Promise.resolve({ name: 'kubernetes', ok: false, detail });
  }
}
