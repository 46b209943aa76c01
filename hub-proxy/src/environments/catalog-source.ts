import type { VersionedDocumentStore, StoredDocument } from '../documents/index.js';
import { Conflict, NotFound, Unprocessable, VersionConflict } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import {
  CatalogError,
  environmentProfile,
  offeredCatalog,
  parseSourceYaml,
  validateCatalogDocument,
  type Catalog,
  type CatalogProblem,
  type CatalogValidation,
  type CompatibilityTable,
  type Profile,
  CatalogYamlDocument,
} from './catalog/index.js';

/** The stored catalog as admins edit it. */
export interface CatalogDocument {
  /** The stored version (ConfigMap resourceVersion, file hash): the ETag. */
  version: string;
  /** Every environment, disabled ones included. */
  catalog: Catalog;
  /**
   * Problems of the stored document when it is invalid (edited by hand);
   * `catalog` is then the last valid one, still in effect, and the next
   * edit through the API replaces the stored document with it.
   */
  problems: CatalogProblem[];
}

/** The catalog after a successful edit. */
export interface CatalogEdit {
  version: string;
  catalog: Catalog;
}

/** What {@link CatalogSource} needs. */
export interface CatalogSourceOptions {
  store: VersionedDocumentStore;
  /** Judges versions, as for the catalog file. */
  table: CompatibilityTable;
  /** Served until the store has been read (and kept if the stored document is invalid): the seed file's catalog. */
  initial: Catalog;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Where the document lives (a path, `ConfigMap turing-catalog`), for log lines. */
  location: string;
  /** First delay before reading the store again after a failure (doubles up to 10 s); default 500 ms. */
  retryMs?: number;
}

const STALE_MESSAGE = 'The catalog changed since you loaded it; reload it and apply your edit again.';
const INVALID_MESSAGE = 'The catalog would be invalid; nothing was changed.';

/**
 * The live environment catalog: the last valid document of the store,
 * reloaded when the store reports a change (another replica, `kubectl edit`,
 * an editor). A bad document written by hand is logged with every problem
 * and the last good catalog stays in effect. Edits apply to the whole stored
 * document, pass the file loader's rules and are written with the version
 * the admin read, so a concurrent edit is never silently overwritten.
 */
export class CatalogSource {
  private full: Catalog;
  private offered: Catalog;
  private appliedVersion: string | undefined;
  private storedProblems: CatalogProblem[] = [];
  private stopWatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: CatalogSourceOptions) {
    this.full = options.initial;
    this.offered = offeredCatalog(options.initial);
  }

  /** True once the store has been read; until then the initial (seed) catalog is served. */
  get loaded(): boolean {
    return this.appliedVersion !== undefined;
  }

  /** The stored version in effect (undefined until loaded). */
  get version(): string | undefined {
    return this.appliedVersion;
  }

  /** Problems of the stored document if it is invalid (the last good catalog is in effect). */
  get problems(): readonly CatalogProblem[] {
    return this.storedProblems;
  }

  /** Watches the store and reads it, retrying in the background until it answers. */
  start(): void {
    this.stopWatch = this.options.store.watch((document) => this.accept(document));
    void this.load(this.options.retryMs ?? 500);
  }

  /** Stops watching the store. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopWatch?.();
  }

  /** The catalog users are offered: disabled environments left out. Synchronous, for per-request reads. */
  current(): Catalog {
    return this.offered;
  }

  /** The stored document as it is now (read afresh, so its version is the one to send back). */
  async document(): Promise<CatalogDocument> {
    const stored = await this.options.store.read();
    this.accept(stored);
    const checked = this.check(stored.text);
    return checked.ok
      ? { version: stored.version, catalog: checked.catalog, problems: [] }
      : { version: stored.version, catalog: this.full, problems: checked.problems };
  }

  /** Adds an environment; 409 if its id is taken. */
  createEnvironment(entry: Record<string, unknown>, expectedVersion: string): Promise<CatalogEdit> {
    return this.edit(expectedVersion, (doc) => {
      if (typeof entry.id === 'string' && doc.indexOf(entry.id) >= 0) {
        throw new Conflict(`The catalog already has an environment "${entry.id}".`);
      }
      doc.append(entry);
    });
  }

  /** Replaces environment `id` as a whole; 404 if there is none. A body without `id` takes the path's. */
  async replaceEnvironment(
    id: string,
    entry: Record<string, unknown>,
    expectedVersion: string,
  ): Promise<CatalogEdit> {
    if (entry.id !== undefined && entry.id !== id) {
      throw new Unprocessable(
        [
          {
            field: `environments[${id}].id`,
            message: `must be "${id}", the id in the path (to rename, create the new id and delete the old one)`,
          },
        ],
        INVALID_MESSAGE,
      );
    }
    return this.edit(expectedVersion, (doc) => {
      const index = doc.indexOf(id);
      if (index < 0) throw new NotFound(`The catalog has no environment "${id}".`);
      doc.replace(index, { id, ...entry });
    });
  }

  /** Removes environment `id`; 404 if there is none. */
  deleteEnvironment(id: string, expectedVersion: string): Promise<CatalogEdit> {
    return this.edit(expectedVersion, (doc) => {
      const index = doc.indexOf(id);
      if (index < 0) throw new NotFound(`The catalog has no environment "${id}".`);
      doc.remove(index);
    });
  }

  /**
   * The profile an environment would yield if saved (replacing the one with
   * its id, or added), judged by the same rules as a save; 422 if invalid.
   */
  preview(entry: Record<string, unknown>): Profile {
    const doc = CatalogYamlDocument.of(this.full);
    const index = typeof entry.id === 'string' ? doc.indexOf(entry.id) : -1;
    if (index >= 0) doc.replace(index, entry);
    else doc.append(entry);
    const checked = validateCatalogDocument(doc.toData(), this.options.table);
    if (!checked.ok) throw new Unprocessable(checked.problems, 'The environment is invalid.');
    const env = checked.catalog.environments[index >= 0 ? index : checked.catalog.environments.length - 1];
    if (!env) throw new Error('the previewed environment vanished');
    return environmentProfile(checked.catalog, env);
  }

  private async edit(
    expectedVersion: string,
    change: (doc: CatalogYamlDocument) => void,
  ): Promise<CatalogEdit> {
    const stored = await this.options.store.read();
    if (stored.version !== expectedVersion) throw new VersionConflict(stored.version, STALE_MESSAGE);
    // An invalid stored document (edited by hand) is replaced by the catalog in effect, plus this edit.
    const doc = this.check(stored.text).ok
      ? CatalogYamlDocument.parse(stored.text, this.full)
      : CatalogYamlDocument.of(this.full);
    change(doc);
    const checked = validateCatalogDocument(doc.toData(), this.options.table);
    if (!checked.ok) throw new Unprocessable(checked.problems, INVALID_MESSAGE);
    let written: StoredDocument;
    try {
      written = await this.options.store.write(doc.toText(), expectedVersion);
    } catch (err) {
      if (err instanceof VersionConflict)
        throw new VersionConflict(err.currentVersion, STALE_MESSAGE, { cause: err });
      throw err;
    }
    this.accept(written);
    return { version: written.version, catalog: checked.catalog };
  }

  private async load(delayMs: number): Promise<void> {
    try {
      this.accept(await this.options.store.read());
    } catch (err) {
      if (this.stopped) return;
      this.options.logger.warn(
        { catalog: this.options.location, err: (err as Error).message, retryInMs: delayMs },
        'cannot read the environment catalog yet; serving the seed until it can be read',
      );
      this.retryTimer = setTimeout(() => void this.load(Math.min(delayMs * 2, 10_000)), delayMs);
    }
  }

  /** Takes a stored document into effect if it is valid; logs every problem if not. */
  private accept(stored: StoredDocument): void {
    if (stored.version === this.appliedVersion) return;
    this.appliedVersion = stored.version;
    const checked = this.check(stored.text);
    if (!checked.ok) {
      this.storedProblems = checked.problems;
      this.options.logger.error(
        {
          catalog: this.options.location,
          version: stored.version,
          problems: checked.problems.map((p) => `${p.field}: ${p.message}`),
        },
        'the stored environment catalog is invalid; the last valid catalog stays in effect',
      );
      return;
    }
    this.storedProblems = [];
    this.full = checked.catalog;
    this.offered = offeredCatalog(checked.catalog);
    this.options.logger.info(
      {
        catalog: this.options.location,
        version: stored.version,
        environments: this.offered.environments.length,
        disabled: this.full.environments.length - this.offered.environments.length,
      },
      'environment catalog loaded',
    );
  }

  private check(text: string): CatalogValidation {
    let raw: unknown;
    try {
      raw = parseSourceYaml(text, this.options.location);
    } catch (err) {
      if (err instanceof CatalogError) return { ok: false, problems: err.problems };
      throw err;
    }
    return validateCatalogDocument(raw, this.options.table);
  }
}

/**
 * The catalog as the `CATALOG` service: an object whose `environments` and
 * `gpuTypes` are read from `source` on every access, so features that read
 * them per request see edits without a restart.
 */
export function liveCatalog(source: Pick<CatalogSource, 'current'>): Catalog {
  return {
    get gpuTypes() {
      return source.current().gpuTypes;
    },
    get environments() {
      return source.current().environments;
    },
  };
}
