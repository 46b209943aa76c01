import type { Logger } from '../observability/logger.js';
import type { ModelRecord, ModelRuntime, ModelSpec } from './model.js';

/**
 * A synchronous view of every model's spec for the gateway's hot path: the
 * runtime's list (an informer cache on Kubernetes, memory locally) is read
 * again every `refreshMs`, and at once after this replica writes.
 */
export class ModelDirectory {
  private specs = new Map<string, ModelSpec>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly runtime: Pick<ModelRuntime, 'list'>,
    private readonly options: { refreshMs: number; logger: Logger },
  ) {}

  /** The spec of `name` as last read; undefined if unknown. */
  spec(name: string): ModelSpec | undefined {
    return this.specs.get(name);
  }

  /** Starts the periodic refresh. */
  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads every model now (one read at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= this.runtime
      .list()
      .then((records: ModelRecord[]) => {
        this.specs = new Map(records.map((r) => [r.spec.name, r.spec]));
      })
      .catch((err: unknown) => this.options.logger.warn({ err }, 'cannot refresh the model directory'))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
