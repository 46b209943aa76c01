import { z } from 'zod';
import {
  canAccess,
  isOwner,
  ownerLabelValue,
  ownerMetadata,
  ownerSelector,
  type Actor,
} from './ownership.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors/index.js';
import { cursorState, encodeCursor, type Page } from '../http/pagination.js';
import { KubeConflictError, KubeError, KubeNotFoundError } from '../k8s/index.js';
import { ANNOTATIONS, LABELS } from './labels.js';

/** Reads-and-deletes tried before a delete that keeps racing other writers answers 409. */
const DELETE_ATTEMPTS = 3;
/** Writes of one update, when only status writes come between. */
const WRITE_ATTEMPTS = 3;
/** The parts of a Kubernetes object this service reads or sets. */
export interface OwnedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** One page of a store listing. */
export interface StorePage<T> {
  items: T[];
  continue?: string;
}

/**
 * The narrow storage API the service needs; `k8s/owned-resource-store.ts`
 * implements it for a namespaced resource. Failures are thrown as
 * {@link KubeError}s (KubeNotFoundError, KubeConflictError, ...).
 */
export interface OwnedObjectStore<T extends OwnedObject> {
  /** Lists objects, filtered on the server by `labelSelector`, one page at a time. */
  list(options: { labelSelector?: string; limit?: number; continue?: string }): Promise<StorePage<T>>;
  /** Reads one object; KubeNotFoundError if there is none. */
  get(name: string): Promise<T>;
  /** Creates, never overwrites: KubeConflictError (`already-exists`) if the name is taken. */
  create(object: T): Promise<T>;
  /** Replaces the object; `metadata.resourceVersion` is a precondition (KubeConflictError if stale). */
  replace(object: T): Promise<T>;
  /** Deletes; KubeConflictError if the object no longer has this uid or resourceVersion. */
  delete(name: string, preconditions?: { uid?: string; resourceVersion?: string }): Promise<void>;
}

/**
 * A name-ordered, in-memory mirror of the store (an informer cache and its
 * owner-label index) that {@link OwnedObjects.list} pages from while it is
 * {@link ready}, so a listing makes no request and costs what it returns.
 */
export interface OwnedObjectIndex<T extends OwnedObject> {
  /** True while it follows the store (the cache is synced); otherwise lists go to the store. */
  ready(): boolean;
  /**
   * Objects whose owner label is `ownerLabel` (every object when undefined),
   * in ascending name order (as the API server lists them), after the name
   * `after` (from the start when undefined). Lazy; the objects are the
   * cache's own, so callers must not change them.
   */
  after(ownerLabel: string | undefined, after: string | undefined): Iterable<T>;
  /**
   * Resolves once the index holds the object `name` with this `uid` (or,
   * with `uid` undefined, holds no object of that name), or after
   * `timeoutMs` at the latest: a writer waits for its own write, so its
   * next listing shows it.
   */
  observed?(name: string, uid: string | undefined, timeoutMs: number): Promise<void>;
}

/** Options for {@link OwnedObjects.list}. */
export interface OwnedListQuery {
  limit?: number;
  continue?: string;
  /** Admins only: just this user's objects. A non-admin may name only themself. */
  owner?: string;
}

/** Edits, in place, a copy of the current object (the service writes the copy back). */
export type Mutator<T> = (draft: T) => void | Promise<void>;

/**
 * Enforces "a user sees and changes only their own objects; admins see all"
 * over an {@link OwnedObjectStore}. Someone else's object is reported as
 * NotFound (404), exactly like a missing one, so existence does not leak,
 * and nothing is written.
 */
export class OwnedObjects<T extends OwnedObject> {
  /**
   * @param store where the objects live
   * @param kind the noun used in error details, e.g. `Job`
   */
  /**
   * @param store where the objects live
   * @param kind the noun used in error details, e.g. `Job`
   * @param index answers listings while ready (see {@link list})
   */
  constructor(
    private readonly store: OwnedObjectStore<T>,
    private readonly kind = 'Object',
    private readonly index?: OwnedObjectIndex<T>,
  ) {}

  /**
   * One page of the objects `actor` may see, in name order. Non-admins get
   * an owner-label selector; the annotation is re-checked here.
   *
   * While the index is ready the page comes from it, and its `continue` is
   * a position (after this name), which stays valid however the objects
   * change between pages: no object repeats or goes missing unless it was
   * created or deleted meanwhile. Pages hold `limit` items whenever that many
   * remain. Otherwise the store is asked with its own `continue` token, and
   * a page may hold fewer than `limit` items while `continue` is still set.
   * A position cursor reaching the store (the cache lost its watch between
   * pages) is honoured by reading the store from the start; a store token
   * reaching the index is passed on to the store.
   */
  async list(actor: Actor, query: OwnedListQuery = {}): Promise<Page<T>> {
    const owner = actor.isAdmin ? query.owner : actor.name;
    if (!actor.isAdmin && query.owner !== undefined && query.owner !== actor.name) {
      throw new Forbidden("Only admins may list other users' objects.");
    }
    const visible = (o: T) =>
      owner === undefined ? canAccess(actor, meta(o)) : isOwner({ name: owner }, meta(o));
    const position = query.continue === undefined ? undefined : positionOf(query.continue);
    const ownerLabel = owner === undefined ? undefined : ownerLabelValue(owner);
    if (this.index?.ready() && (query.continue === undefined || position !== undefined)) {
      return pageAfter(this.index.after(ownerLabel, position), visible, query.limit);
    }
    if (position !== undefined) return this.listStoreAfter(ownerLabel, position, visible, query.limit);
    const page = await this.call(null, () =>
      this.store.list({
        labelSelector: owner === undefined ? undefined : ownerSelector(owner),
        limit: query.limit,
        continue: query.continue,
      }),
    );
    const result: Page<T> = { items: page.items.filter(visible) };
    if (page.continue) result.continue = page.continue;
    return result;
  }

  /** The object, if `actor` may see it; NotFound otherwise. */
  async get(actor: Actor, name: string): Promise<T> {
    const object = await this.call(name, () => this.store.get(name));
    if (!canAccess(actor, meta(object))) throw this.notFound(name);
    return object;
  }

  /**
   * Creates `object` owned by `actor` (owner label and annotation stamped).
   * A caller-supplied owner other than `actor` is refused, admins included:
   * objects are created by and for their owner. A taken name is a Conflict.
   */
  async create(actor: Actor, object: T): Promise<T> {
    const stamp = ownerMetadata(actor.name);
    const given = object.metadata ?? {};
    const givenLabel = given.labels?.[LABELS.owner];
    const givenName = given.annotations?.[ANNOTATIONS.ownerName];
    if (
      (givenLabel !== undefined && givenLabel !== stamp.labels[LABELS.owner]) ||
      (givenName !== undefined && givenName !== actor.name)
    ) {
      throw new Forbidden('Objects can only be created for yourself.');
    }
    const body: T = {
      ...object,
      metadata: {
        ...given,
        labels: { ...given.labels, ...stamp.labels },
        annotations: { ...given.annotations, ...stamp.annotations },
      },
    };
    return this.call(given.name ?? '', () => this.store.create(body));
  }

  /**
   * Read-modify-write of an object `actor` may access. The write carries the
   * read's resourceVersion, so a concurrent change (even of the owner) makes it
   * fail with Conflict instead of overwriting. A concurrent write that changed
   * nothing but the status and the server's bookkeeping (a controller's
   * status update, just after a create) is no reason to fail the user: the
   * edit is written again on the new version, a few times at most. Ownership
   * cannot be changed here.
   */
  async update(actor: Actor, name: string, mutate: Mutator<T>): Promise<T> {
    let current = await this.get(actor, name);
    const next = structuredClone(current);
    await mutate(next);
    const before = meta(current);
    const after = meta(next);
    if (
      after.labels?.[LABELS.owner] !== before.labels?.[LABELS.owner] ||
      after.annotations?.[ANNOTATIONS.ownerName] !== before.annotations?.[ANNOTATIONS.ownerName]
    ) {
      throw new Forbidden('The owner of an object cannot be changed.');
    }
    for (let attempt = 1; ; attempt++) {
      const read = meta(current);
      // Identity fields are the read's, not the mutator's: they pin the write to what was checked.
      next.metadata = {
        ...after,
        name: read.name ?? name,
        namespace: read.namespace,
        uid: read.uid,
        resourceVersion: read.resourceVersion,
      };
      try {
        return await this.call(name, () => this.store.replace(next));
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= WRITE_ATTEMPTS) throw err;
        const fresh = await this.get(actor, name);
        if (editedPart(fresh) !== editedPart(current)) throw err;
        if ('status' in fresh) Object.assign(next, { status: (fresh as { status?: unknown }).status });
        current = fresh;
      }
    }
  }

  /** Deletes an object `actor` may access; preconditions make sure it is the one checked. */
  async delete(actor: Actor, name: string): Promise<void> {
    // Deletes exactly the version whose owner was checked; a controller's status
    // write in between is no reason to fail the user, so read and check again.
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(actor, name);
      const { uid, resourceVersion } = meta(current);
      try {
        await this.call(name, () => this.store.delete(name, { uid, resourceVersion }));
        return;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= DELETE_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * A page after a position cursor, from the store: the whole (selected)
   * listing is read in store pages and the position found in it. Only while
   * the index is not ready, and for one listing's pages.
   */
  private async listStoreAfter(
    ownerLabel: string | undefined,
    after: string,
    visible: (o: T) => boolean,
    limit: number | undefined,
  ): Promise<Page<T>> {
    const all: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call(null, () =>
        this.store.list({
          labelSelector: ownerLabel === undefined ? undefined : `${LABELS.owner}=${ownerLabel}`,
          limit: STORE_PAGE,
          continue: cursor,
        }),
      );
      all.push(...page.items);
      cursor = page.continue;
    } while (cursor);
    const sorted = all.filter((o) => (meta(o).name ?? '') > after).sort(byName);
    return pageAfter(sorted, visible, limit);
  }

  private notFound(name: string): NotFound {
    return new NotFound(`${this.kind} "${name}" not found.`);
  }

  /**
   * Names the object in store (Kubernetes) errors the caller can act on, as
   * domain errors; anything else (the API server down, RBAC) propagates
   * unchanged to the error middleware. `name` is null for a list call.
   */
  private async call<R>(name: string | null, op: () => Promise<R>): Promise<R> {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      if (err instanceof KubeNotFoundError) {
        if (name !== null) throw this.notFound(name);
        // On a list, not-found means a missing namespace or API: a deployment fault (500), not a 404.
        throw new Error(`listing ${this.kind} objects: the namespace or API is missing`, { cause: err });
      }
      if (err instanceof KubeConflictError) {
        const what = name ? `${this.kind} "${name}"` : this.kind;
        throw new Conflict(
          err.kind === 'already-exists'
            ? `${what} already exists.`
            : `${what} was changed concurrently; retry.`,
          { cause: err },
        );
      }
      // An expired or malformed list cursor (410 Gone / 400 from the API server).
      if (name === null && (err.kind === 'gone' || err.kind === 'bad-request')) {
        throw new InvalidInput([{ field: 'query.continue', message: 'invalid or expired cursor' }]);
      }
      throw err;
    }
  }
}

function meta(object: OwnedObject): NonNullable<OwnedObject['metadata']> {
  return object.metadata ?? {};
}

/** What a user's edit is based on: the object without its status and the server's bookkeeping. */
function editedPart(object: OwnedObject): string {
  const { status: _status, metadata = {}, ...rest } = object as OwnedObject & { status?: unknown };
  const {
    resourceVersion: _version,
    generation: _generation,
    managedFields: _fields,
    ...identity
  } = metadata as Record<string, unknown>;
  return JSON.stringify({ ...rest, metadata: identity });
}

/** Store page size when a position cursor must be found by reading the store. */
const STORE_PAGE = 500;

const positionCursor = z.object({ after: z.string().min(1) }).strict();

/** The name a position cursor continues after; undefined for anything else (a store token). */
function positionOf(cursor: string): string | undefined {
  const parsed = positionCursor.safeParse(cursorState(cursor));
  return parsed.success ? parsed.data.after : undefined;
}

function byName(a: OwnedObject, b: OwnedObject): number {
  const x = meta(a).name ?? '';
  const y = meta(b).name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The first `limit` visible objects of `ordered` (name order), and a
 * position cursor when another visible one follows. Reads one object past
 * the page at most, plus those it skips.
 */
function pageAfter<T extends OwnedObject>(
  ordered: Iterable<T>,
  visible: (o: T) => boolean,
  limit: number | undefined,
): Page<T> {
  const items: T[] = [];
  for (const object of ordered) {
    if (!visible(object)) continue;
    if (limit !== undefined && items.length >= limit) {
      const last = items.at(-1);
      return { items, continue: encodeCursor({ after: meta(last ?? object).name ?? '' }) };
    }
    items.push(object);
  }
  return { items };
}
