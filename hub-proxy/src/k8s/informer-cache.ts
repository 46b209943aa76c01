import {
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import { DEFAULT_BACKOFF_POLICY, ExponentialBackoff, type BackoffPolicy } from './backoff.js';
import { KubeError, toKubeError } from './errors.js';
import { silentKubeLogger, type KubeLogger } from './kube-logger.js';
import { matchesLabels, parseLabelSelector, type LabelSelectorInput } from './label-selector.js';
import { resourceLabel, resourcePath, type ResourceType } from './resource-path.js';

/** A change the cache saw. */
export type InformerEventType = 'add' | 'update' | 'delete';

/** Receives a changed object; for `update` also the previous version, for `delete` the last known one. */
export type InformerListener<T> = (object: T, previous?: T) => void;

/** Outcome label for {@link InformerMetricsHooks.onRequest}. */
export type RequestOutcome = 'success' | 'error';

/**
 * One list request of the initial (or re-)list: a page of at most `limit`
 * objects, continuing after `_continue`. Keys are present only when set.
 */
export interface ListPageRequest {
  labelSelector?: string;
  limit?: number;
  _continue?: string;
}

/** client-go's reflector pages its lists by 500 too. */
const DEFAULT_PAGE_SIZE = 500;

/** Callbacks for metrics; the caller owns the registry. Exceptions they throw are ignored. */
export interface InformerMetricsHooks {
  /** Number of objects in the cache, after every change. */
  onCacheSize?(resource: string, size: number): void;
  /** One call per list request (each page of a list) and per watch connection attempt. */
  onRequest?(verb: 'list' | 'watch', resource: string, outcome: RequestOutcome): void;
}

/** What to watch and how. */
export interface InformerCacheOptions<T extends KubernetesObject> extends InformerMetricsHooks {
  kubeConfig: KubeConfig;
  /** The resource type, e.g. `{ version: 'v1', plural: 'configmaps' }`. */
  resource: ResourceType;
  /** Watch one namespace (also the default for {@link InformerCache.get}); omit for cluster-wide. */
  namespace?: string;
  /** Server-side label selector; it is passed to `list` and to the watch. */
  labelSelector?: string;
  /**
   * Lists one page of the resource, e.g. `(page) => core.listNamespacedConfigMap({ namespace, ...page })`.
   * Must honour `labelSelector`, or the cache and the watch disagree, and
   * should honour `limit` and `_continue`: a list that ignores them arrives
   * whole, in one response, and is held in memory whole while it is trimmed.
   */
  list(request: ListPageRequest): Promise<KubernetesListObject<T>>;
  /**
   * Objects per list request (default 500). Each page is trimmed before the
   * next is fetched, so the peak memory of a (re-)list is one untrimmed page,
   * not the whole untrimmed list.
   */
  pageSize?: number;
  /**
   * Drops what readers never use, to keep memory flat at scale (e.g. a Job's
   * pod template). It must trim `object` in place and return it: client-node's
   * list-watch keeps the same reference in its own map, so an in-place trim
   * frees the memory there too. Listeners see trimmed objects.
   */
  trim?(object: T): T;
  /** Reconnect backoff; default 250 ms doubling up to 10 s, half jittered. */
  backoff?: Partial<BackoffPolicy>;
  /**
   * Give up on a list+watch attempt that has gone this long without progress
   * (default 30 s): no page of the list, or no watch response, since the
   * attempt started or since the last page. A long list of many pages is
   * fine as long as pages keep coming.
   */
  connectTimeoutMs?: number;
  logger?: KubeLogger;
}

function objectKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

function keyOf(object: KubernetesObject): string {
  return objectKey(object.metadata?.namespace, object.metadata?.name);
}

/**
 * The token for the next page, if any. Typed lists (client-node's core and
 * batch calls) name it `_continue`; the raw JSON of custom-objects calls
 * names it `continue`, as the API server does.
 */
function continueToken(list: KubernetesListObject<KubernetesObject>): string | undefined {
  const metadata = list.metadata as { _continue?: string; continue?: string } | undefined;
  return metadata?._continue || metadata?.continue || undefined;
}

/**
 * Typed list results hold Date instances where watch events hold strings;
 * round-tripping through JSON makes every cached object plain API JSON.
 */
function asPlainJson<T>(object: T): T {
  return JSON.parse(JSON.stringify(object)) as T;
}

/**
 * An in-memory, always-reconnecting mirror of one Kubernetes resource, built
 * on client-node's `makeInformer` (list, then watch).
 *
 * client-node re-lists by itself on 410 Gone but stops on any other error.
 * This cache then drops that informer and starts a new one (a fresh list,
 * then watch) after an exponential, jittered backoff. `synced` is false from
 * the failure until the fresh list has been applied and the watch is open;
 * objects deleted while disconnected are removed (and reported) on re-list.
 *
 * Cached objects are plain JSON as the API server sends it: timestamps are
 * strings even where client-node's types say `Date`.
 */
export class InformerCache<T extends KubernetesObject> {
  /** Resource label used in logs, metrics and readiness, e.g. `configmaps`. */
  readonly name: string;
  private readonly store = new Map<string, T>();
  private readonly listeners: Record<InformerEventType, Set<InformerListener<T>>> = {
    add: new Set(),
    update: new Set(),
    delete: new Set(),
  };
  private readonly syncWaiters = new Set<() => void>();
  private readonly backoff: ExponentialBackoff;
  private readonly logger: KubeLogger;
  private readonly path: string;
  private informer: (Informer<T> & ObjectCache<T>) | undefined;
  // Incremented for every new informer; callbacks from older ones are ignored.
  private generation = 0;
  private listedGeneration = -1;
  private retryTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private isSynced = false;
  private error: KubeError | undefined;

  constructor(private readonly options: InformerCacheOptions<T>) {
    this.name = resourceLabel(options.resource);
    this.path = resourcePath(options.resource, options.namespace);
    this.backoff = new ExponentialBackoff({ ...DEFAULT_BACKOFF_POLICY, ...options.backoff });
    this.logger = options.logger ?? silentKubeLogger;
  }

  /** True once the initial list is in the cache and the watch is open; false while disconnected. */
  get synced(): boolean {
    return this.isSynced;
  }

  /** The most recent list/watch failure, kept after recovery for diagnostics. */
  get lastError(): KubeError | undefined {
    return this.error;
  }

  /** Number of cached objects. */
  get size(): number {
    return this.store.size;
  }

  /** Starts listing and watching; returns at once (see {@link waitForSync}). */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.connect();
  }

  /** Resolves when synced; rejects after `timeoutMs` with the last error in the message. */
  waitForSync(timeoutMs: number): Promise<void> {
    if (this.isSynced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.syncWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.syncWaiters.delete(done);
        const cause = this.error ? `: ${this.error.message}` : '';
        reject(new Error(`${this.name} informer not synced after ${timeoutMs} ms${cause}`));
      }, timeoutMs);
      this.syncWaiters.add(done);
    });
  }

  /** Stops watching and cancels any pending reconnect. The cache keeps its last content. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.setSynced(false);
    clearTimeout(this.retryTimer);
    this.generation++;
    const informer = this.informer;
    this.informer = undefined;
    await informer?.stop();
  }

  /** One object by name; `namespace` defaults to the watched namespace. */
  get(name: string, namespace: string | undefined = this.options.namespace): T | undefined {
    return this.store.get(objectKey(namespace, name));
  }

  /** Cached objects, optionally filtered by label selector and namespace. */
  list(filter: { labelSelector?: LabelSelectorInput; namespace?: string } = {}): T[] {
    const requirements = filter.labelSelector === undefined ? [] : parseLabelSelector(filter.labelSelector);
    const result: T[] = [];
    for (const object of this.store.values()) {
      if (filter.namespace !== undefined && object.metadata?.namespace !== filter.namespace) continue;
      if (matchesLabels(requirements, object.metadata?.labels)) result.push(object);
    }
    return result;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  on(event: InformerEventType, listener: InformerListener<T>): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    const current = (): boolean => generation === this.generation && !this.stopped;
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 30_000;
    let timeout: NodeJS.Timeout | undefined;
    let connecting = true;
    // Re-armed by every page of the list: the timeout is for an attempt that stalls.
    const progressed = (): void => {
      clearTimeout(timeout);
      if (!connecting) return;
      timeout = setTimeout(() => {
        if (current() && !this.isSynced)
          this.fail(generation, new Error(`no progress connecting for ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
    };
    const informer = makeInformer<T>(
      this.options.kubeConfig,
      this.path,
      () => this.listForGeneration(generation, progressed),
      this.options.labelSelector,
    );
    this.informer = informer;
    informer.on('add', (object) => current() && this.upsert(object));
    informer.on('update', (object) => current() && this.upsert(object));
    informer.on('delete', (object) => current() && this.remove(keyOf(object), object));
    informer.on('error', (err: unknown) => current() && this.fail(generation, err));

    progressed();
    try {
      // Resolves once the list is applied and the watch request has its response headers.
      await informer.start();
    } catch (err) {
      if (current()) this.fail(generation, err);
    } finally {
      connecting = false;
      clearTimeout(timeout);
    }
    if (!current()) return;
    this.hook('watch', 'success');
    this.backoff.succeeded();
    if (this.error) this.logger.info({ resource: this.name }, 'informer reconnected');
    this.setSynced(true);
  }

  /** The list call for one informer generation; on success reconciles deletions missed while away. */
  private async listForGeneration(
    generation: number,
    progressed: () => void,
  ): Promise<KubernetesListObject<T>> {
    const list = await this.listAllPages(generation, progressed);
    if (generation === this.generation && !this.stopped) {
      this.listedGeneration = generation;
      const present = new Set(list.items.map(keyOf));
      for (const key of [...this.store.keys()]) if (!present.has(key)) this.remove(key);
    }
    return list;
  }

  /**
   * Every page of the list, each trimmed as it arrives. The pages are one
   * consistent snapshot (the apiserver's continue token pins it), and the
   * last page's `resourceVersion` is where the watch starts. A list whose
   * attempt was given up (a newer one replaced it) stops at its next page,
   * so abandoned lists never pile up in memory.
   */
  private async listAllPages(generation: number, progressed: () => void): Promise<KubernetesListObject<T>> {
    const { labelSelector, trim } = this.options;
    const limit = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const items: T[] = [];
    let page: KubernetesListObject<T>;
    let next: string | undefined;
    do {
      if (generation !== this.generation || this.stopped) {
        throw new Error(`${this.name} list abandoned: a newer attempt replaced it`);
      }
      const request: ListPageRequest = { limit };
      if (labelSelector) request.labelSelector = labelSelector;
      if (next) request._continue = next;
      try {
        page = await this.options.list(request);
      } catch (err) {
        this.hook('list', 'error');
        throw err;
      }
      this.hook('list', 'success');
      for (const item of page.items) items.push(trim ? trim(asPlainJson(item)) : asPlainJson(item));
      next = continueToken(page);
      progressed();
    } while (next);
    return { ...page, items };
  }

  private fail(generation: number, err: unknown): void {
    const error = toKubeError(err);
    if (this.listedGeneration === generation) this.hook('watch', 'error');
    this.error = error;
    this.setSynced(false);
    // Retire this informer: bumping the generation mutes its late callbacks.
    this.generation++;
    const failed = this.informer;
    this.informer = undefined;
    void failed?.stop().catch(() => undefined);
    const delayMs = this.backoff.failed();
    this.logger.warn(
      {
        resource: this.name,
        err: error.message,
        kind: error.kind,
        retryInMs: delayMs,
        failures: this.backoff.failures,
      },
      'informer disconnected; reconnecting',
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private upsert(received: T): void {
    // List items were trimmed in listForGeneration; trimming twice is a no-op.
    const object = this.options.trim ? this.options.trim(received) : received;
    const key = keyOf(object);
    const previous = this.store.get(key);
    // A re-list replays every object as "add"; only report real changes.
    if (previous && previous.metadata?.resourceVersion === object.metadata?.resourceVersion) return;
    this.store.set(key, object);
    this.reportSize();
    this.emit(previous ? 'update' : 'add', object, previous);
  }

  /** Drops `key`; listeners get the object's final state if the watch sent it, else the cached one. */
  private remove(key: string, finalState?: T): void {
    const previous = this.store.get(key);
    if (!previous) return;
    this.store.delete(key);
    this.reportSize();
    this.emit('delete', finalState ?? previous);
  }

  private emit(event: InformerEventType, object: T, previous?: T): void {
    for (const listener of this.listeners[event]) {
      try {
        listener(object, previous);
      } catch (err) {
        this.logger.warn({ resource: this.name, event, err: String(err) }, 'informer listener threw');
      }
    }
  }

  private setSynced(synced: boolean): void {
    this.isSynced = synced;
    if (!synced) return;
    // An empty cache never changes, so report its size once it is known.
    this.reportSize();
    for (const resolve of [...this.syncWaiters]) resolve();
  }

  private reportSize(): void {
    try {
      this.options.onCacheSize?.(this.name, this.store.size);
    } catch {
      // Metrics must never break the cache.
    }
  }

  private hook(verb: 'list' | 'watch', outcome: RequestOutcome): void {
    try {
      this.options.onRequest?.(verb, this.name, outcome);
    } catch {
      // Metrics must never break the cache.
    }
  }
}
