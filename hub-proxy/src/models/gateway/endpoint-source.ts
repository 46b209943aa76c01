/**
 * Where the gateway learns which serving endpoints exist. The Kubernetes
 * source maps each model's EndpointSlices (ready endpoints only) and the
 * local runtime its own processes onto this one interface, so balancing is
 * tested on loopback backends.
 */

/** One ready backend of a model. */
export interface Endpoint {
  /** Stable while the backend lives (pod name, or `local-<port>`). */
  id: string;
  /** `http://host:port`, without a path. */
  url: string;
  /** Versions this backend serves; undefined: every version of the model. */
  versions?: readonly number[];
}

/** A changing set of ready endpoints per model name. */
export interface EndpointSource {
  /** The ready endpoints of `model` now (empty when none or unknown). */
  endpoints(model: string): readonly Endpoint[];
  /** Called with the model's name whenever its endpoints change; returns an unsubscribe. */
  subscribe(listener: (model: string) => void): () => void;
}
