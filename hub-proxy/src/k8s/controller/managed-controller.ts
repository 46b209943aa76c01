/**
 * What the ControllerManager runs: anything that must act only while this
 * replica holds the controllers' Lease (a reconciler loop, a delivery loop).
 */
export interface ManagedController {
  /** Names the controller in logs, metrics and status. */
  readonly name: string;
  /** True once the caches it reads are synced; the manager starts it only then. */
  ready(): boolean;
  /** Starts acting. Called when this replica leads and {@link ready} is true. */
  start(): void | Promise<void>;
  /** Stops acting and waits for work in progress. Called on losing the Lease and on shutdown. */
  stop(): Promise<void>;
}
