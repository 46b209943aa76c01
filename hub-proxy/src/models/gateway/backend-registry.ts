/**
 * The gateway's view of each model's backends: the ready endpoints from
 * the {@link EndpointSource}, each with the state balancing needs
 * (outstanding requests, passive-health ejection). The list is cached and
 * rebuilt when the source says the model changed, so a call costs no
 * lookup in the source. A backend that leaves keeps its state until its
 * last request finishes; then its connection pool is closed.
 */
import type { BalancedBackend } from './balancer.js';
import type { EndpointSource } from './endpoint-source.js';

/** One backend of one model. */
export class BackendState implements BalancedBackend {
  outstanding = 0;
  ejectedUntil = 0;
  /** Gone from the source; dropped when its last request finishes. */
  retired = false;
  /** `host:port`, sent as the `host` header. */
  readonly host: string;

  constructor(
    public id: string,
    readonly origin: string,
    public versions: readonly number[] | undefined,
  ) {
    this.host = new URL(origin).host;
  }
}

/** Backend states per model, kept in step with an {@link EndpointSource}. */
export class BackendRegistry {
  private readonly byModel = new Map<string, Map<string, BackendState>>();
  private readonly lists = new Map<string, readonly BackendState[]>();
  /** States (live, or retired with requests in flight) per origin; the pool closes at zero. */
  private readonly originUsers = new Map<string, number>();
  private readonly unsubscribe: () => void;

  /** `releaseOrigin` closes the connection pool of a backend nothing uses any more. */
  constructor(
    private readonly source: EndpointSource,
    private readonly releaseOrigin: (origin: string) => void,
  ) {
    this.unsubscribe = source.subscribe((model) => {
      // Models never called have no state to keep in step.
      if (this.byModel.has(model)) this.refresh(model);
    });
  }

  /** The ready backends of `model`. */
  backends(model: string): readonly BackendState[] {
    return this.lists.get(model) ?? this.refresh(model);
  }

  /** A request goes to `backend`. */
  acquire(backend: BackendState): void {
    backend.outstanding += 1;
  }

  /** A request to `backend` finished. */
  release(backend: BackendState): void {
    backend.outstanding -= 1;
    if (backend.retired && backend.outstanding === 0) this.drop(backend);
  }

  /** Stops following the source. */
  close(): void {
    this.unsubscribe();
  }

  private refresh(model: string): readonly BackendState[] {
    const previous = this.byModel.get(model) ?? new Map<string, BackendState>();
    const next = new Map<string, BackendState>();
    for (const endpoint of this.source.endpoints(model)) {
      if (next.has(endpoint.url)) continue;
      let state = previous.get(endpoint.url);
      if (state) {
        previous.delete(endpoint.url);
        state.id = endpoint.id;
        state.versions = endpoint.versions;
      } else {
        state = new BackendState(endpoint.id, endpoint.url, endpoint.versions);
        this.originUsers.set(state.origin, (this.originUsers.get(state.origin) ?? 0) + 1);
      }
      next.set(endpoint.url, state);
    }
    for (const gone of previous.values()) {
      gone.retired = true;
      if (gone.outstanding === 0) this.drop(gone);
    }
    const list = [...next.values()];
    if (list.length === 0) {
      this.byModel.delete(model);
      this.lists.delete(model);
    } else {
      this.byModel.set(model, next);
      this.lists.set(model, list);
    }
    return list;
  }

  private drop(state: BackendState): void {
    const users = (this.originUsers.get(state.origin) ?? 1) - 1;
    if (users > 0) {
      this.originUsers.set(state.origin, users);
      return;
    }
    this.originUsers.delete(state.origin);
    this.releaseOrigin(state.origin);
  }
}
