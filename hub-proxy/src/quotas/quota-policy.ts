import type { VersionedDocumentStore } from '../documents/index.js';
import { Conflict, Unprocessable, VersionConflict } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { ownerLabelValue } from '../ownership/ownership.js';
import { QUOTA_KEYS, type Limits, type QuotaKey, type QuotasDocument } from './limits.js';
import { parseQuotasText, quotasText, validateQuotas } from './quotas-document.js';
import { assertWithinQuota, type QuotaRequest } from './quota-refusal.js';
import { resolveLimits, type ResolvedLimits } from './resolve-limits.js';

/** The document as stored, with the version a write must name. */
export interface VersionedQuotas {
  version: string;
  document: QuotasDocument;
}

/** What one user holds of one quota now, counted by the feature that owns the thing. */
export type UsageMeter = (user: string) => Promise<number>;

/** A user's limits, where each came from, and the hub groups they were resolved with. */
export interface UserLimits extends ResolvedLimits {
  groups: string[];
}

/** What {@link QuotaPolicy} is built from. */
export interface QuotaPolicyDeps {
  store: VersionedDocumentStore;
  /** The user's hub groups (cached by the hub client). */
  groups: (user: string) => Promise<string[]>;
  /** Used while the stored document is unreadable (never written by hand badly, normally). */
  fallback: QuotasDocument;
  logger: Logger;
}

/**
 * The live quotas: the document from the store (kept in memory and
 * replaced on every `watch()` notice, so an admin's PUT reaches every
 * replica within a second or two), resolved per user with their hub groups,
 * and the usage meters features register for what they own.
 */
export class QuotaPolicy {
  private current: VersionedQuotas | undefined;
  private loading: Promise<VersionedQuotas> | undefined;
  private stopWatch: (() => void) | undefined;
  private readonly meters = new Map<QuotaKey, UsageMeter>();
  /** Hashed owner slugs of users seen lately, so artifact keys map back to a user. */
  private readonly namesBySlug = new Map<string, string>();

  constructor(private readonly deps: QuotaPolicyDeps) {}

  /** Starts following the store; the first read seeds it when empty. */
  start(): void {
    this.stopWatch ??= this.deps.store.watch((stored) => this.accept(stored.text, stored.version));
    void this.snapshot().catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'quotas: first read failed; retried on the next request');
    });
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  /** The document in force and its version (read from the store the first time). */
  async snapshot(): Promise<VersionedQuotas> {
    if (this.current) return this.current;
    this.loading ??= this.deps.store
      .read()
      .then((stored) => this.accept(stored.text, stored.version))
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /**
   * Replaces the whole document if the store still holds `expectedVersion`.
   * Throws Unprocessable (422, every bad field named) or VersionConflict (409).
   */
  async replace(value: unknown, expectedVersion: string): Promise<VersionedQuotas> {
    const parsed = validateQuotas(value);
    if (!parsed.ok) {
      throw new Unprocessable(
        parsed.errors,
        `The quotas are invalid: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}.`,
      );
    }
    try {
      const stored = await this.deps.store.write(quotasText(parsed.document), expectedVersion);
      return this.accept(stored.text, stored.version);
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      const currentVersion =
        err instanceof VersionConflict ? err.currentVersion : (await this.deps.store.read()).version;
      throw new VersionConflict(
        currentVersion,
        'The quotas changed since you loaded them; reload them and apply your edit again.',
        { cause: err },
      );
    }
  }

  /** The limits of `user`: their entry, else the highest of their groups', else the defaults. */
  async limitsFor(user: string): Promise<UserLimits> {
    this.remember(user);
    const [{ document }, groups] = await Promise.all([this.snapshot(), this.groupsOf(user)]);
    return { ...resolveLimits(document, user, groups), groups };
  }

  /** One limit of `user`. */
  async limit(user: string, key: QuotaKey): Promise<number> {
    return (await this.limitsFor(user)).limits[key];
  }

  /**
   * Throws QuotaExceeded (403, or 429 for `concurrentRuns`) when `used`
   * plus what the request adds is over `user`'s `key`.
   */
  async assertWithin(user: string, key: QuotaKey, used: number, request: QuotaRequest = {}): Promise<void> {
    if ((request.adds ?? 1) <= 0) return;
    assertWithinQuota(key, await this.limit(user, key), used, request);
  }

  /** Counts `key` with `meter` in {@link usedBy} (one meter per quota; the last one wins). */
  registerUsage(key: QuotaKey, meter: UsageMeter): void {
    this.meters.set(key, meter);
  }

  /** What `user` holds of each quota, from the registered meters (0 where none is). */
  async usedBy(user: string): Promise<Limits> {
    const entries = await Promise.all(
      QUOTA_KEYS.map(async (key) => [key, (await this.meters.get(key)?.(user)) ?? 0] as const),
    );
    return Object.fromEntries(entries) as Limits;
  }

  /**
   * The `artifactBytes` limit of an artifact owner prefix (`users/<slug>/`).
   * A plain slug is the user's name; a hashed one (`---<hex>`) is matched
   * against names in the document and users seen lately, else the defaults
   * (and no groups) apply.
   */
  async artifactBytesFor(ownerPrefix: string): Promise<number> {
    const slug = ownerPrefix.split('/')[1] ?? '';
    const { document } = await this.snapshot();
    const user = slug.includes('---')
      ? (this.namesBySlug.get(slug) ??
        Object.keys(document.users).find((name) => ownerLabelValue(name) === slug))
      : slug;
    return user === undefined ? document.defaults.artifactBytes : this.limit(user, 'artifactBytes');
  }

  private async groupsOf(user: string): Promise<string[]> {
    try {
      return await this.deps.groups(user);
    } catch (err) {
      // A hub hiccup must not stop uploads or runs: the user's own entry and the defaults still apply.
      this.deps.logger.warn(
        { err, user },
        "quotas: could not read the user's hub groups; resolving without them",
      );
      return [];
    }
  }

  private remember(user: string): void {
    const slug = ownerLabelValue(user);
    if (slug === user) return;
    this.namesBySlug.delete(slug);
    this.namesBySlug.set(slug, user);
    if (this.namesBySlug.size > 10_000) {
      const oldest = this.namesBySlug.keys().next();
      if (!oldest.done) this.namesBySlug.delete(oldest.value);
    }
  }

  /** Takes a stored text in force, or keeps the last good one (the fallback at first) when it is invalid. */
  private accept(text: string, version: string): VersionedQuotas {
    const parsed = parseQuotasText(text);
    if (parsed.ok) {
      this.current = { version, document: parsed.document };
      return this.current;
    }
    this.deps.logger.error(
      { version, problems: parsed.errors.map((e) => `${e.field}: ${e.message}`) },
      'quotas: the stored document is invalid; the last valid one stays in force until an admin saves a valid one',
    );
    // The stored version, so an admin's next PUT (based on this read) can replace the bad text.
    this.current = { version, document: this.current?.document ?? this.deps.fallback };
    return this.current;
  }
}
