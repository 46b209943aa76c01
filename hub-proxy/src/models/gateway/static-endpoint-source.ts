/**
 * An in-memory {@link EndpointSource}: whoever owns the backends sets them.
 * The local runtime registers its serving processes here, and tests their
 * loopback backends.
 */
import type { Endpoint, EndpointSource } from './endpoint-source.js';

/** Endpoints per model, set by hand; listeners hear of every change. */
export class StaticEndpointSource implements EndpointSource {
  private readonly byModel = new Map<string, readonly Endpoint[]>();
  private readonly listeners = new Set<(model: string) => void>();

  /** The ready endpoints of `model` now. */
  endpoints(model: string): readonly Endpoint[] {
    return this.byModel.get(model) ?? [];
  }

  /** Calls `listener` with the model's name after each change; returns an unsubscribe. */
  subscribe(listener: (model: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Replaces the endpoints of `model` (an empty list removes the model). */
  set(model: string, endpoints: readonly Endpoint[]): void {
    if (endpoints.length === 0) this.byModel.delete(model);
    else this.byModel.set(model, Object.freeze([...endpoints]));
    this.notify(model);
  }

  /** Adds one endpoint of `model`, replacing one with the same id. */
  add(model: string, endpoint: Endpoint): void {
    this.set(model, [...this.endpoints(model).filter((e) => e.id !== endpoint.id), endpoint]);
  }

  /** Removes the endpoint `id` of `model` (absent is fine). */
  remove(model: string, id: string): void {
    const current = this.endpoints(model);
    if (current.some((e) => e.id === id))
      this.set(
        model,
        current.filter((e) => e.id !== id),
      );
  }

  private notify(model: string): void {
    for (const listener of this.listeners) listener(model);
  }
}
