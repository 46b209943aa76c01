import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { contentVersion, type StoredDocument, type VersionedDocumentStore } from '../documents/index.js';
import { Conflict, NotFound, Unprocessable, VersionConflict } from '../errors/index.js';
import {
  CatalogError,
  DEFAULT_CATALOG_PATH,
  DEFAULT_COMPATIBILITY_PATH,
  defaultEnvironment,
  loadCatalog,
  loadCompatibilityTable,
  parseCatalog,
  toProfileList,
  type CatalogProblem,
} from './catalog/index.js';
import { CatalogSource, liveCatalog } from './catalog-source.js';

const table = loadCompatibilityTable(DEFAULT_COMPATIBILITY_PATH);
const seedText = readFileSync(DEFAULT_CATALOG_PATH, 'utf8');
const seed = loadCatalog();
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An in-memory store: compare-and-swap on a counter, watchers told of every write. */
class MemoryStore implements VersionedDocumentStore {
  private document: StoredDocument = { text: seedText, version: contentVersion(seedText) };
  private readonly listeners = new Set<(document: StoredDocument) => void>();
  read(): Promise<StoredDocument> {
    return Promise.resolve(this.document);
  }
  write(text: string, expectedVersion: string): Promise<StoredDocument> {
    if (expectedVersion !== this.document.version) {
      return Promise.reject(new VersionConflict(this.document.version));
    }
    return Promise.resolve(this.byHand(text));
  }
  watch(listener: (document: StoredDocument) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Another replica or `kubectl edit`. */
  byHand(text: string): StoredDocument {
    this.document = { text, version: contentVersion(text) };
    for (const listener of this.listeners) listener(this.document);
    return this.document;
  }
}

async function started(store = new MemoryStore()) {
  const source = new CatalogSource({ store, table, initial: seed, logger: silent, location: 'memory' });
  source.start();
  await new Promise((resolve) => setImmediate(resolve));
  expect(source.loaded).toBe(true);
  return { source, store };
}

const cpuBase = () =>
  structuredClone(seed.environments.find((e) => e.id === 'cpu-base')) as Record<string, unknown>;

/** A new CPU environment that passes every rule. */
function newEnvironment(id = 'pandas-2'): Record<string, unknown> {
  return { ...cpuBase(), id, displayName: 'Pandas 2', default: undefined };
}

/** What the catalog file loader says about the seed plus `entry`. */
function loaderProblems(entry: unknown): CatalogProblem[] {
  const raw = parseYaml(seedText) as { environments: unknown[] };
  raw.environments.push(entry);
  try {
    parseCatalog(stringify(raw), table);
  } catch (err) {
    if (err instanceof CatalogError) return err.problems;
    throw err;
  }
  throw new Error('the loader accepted the entry');
}

describe('CatalogSource edits', () => {
  it('reports a bad entry with exactly the problems and words of the catalog file loader', async () => {
    const { source } = await started();
    const bad = {
      ...cpuBase(),
      id: 'broken',
      default: undefined,
      image: 'ghcr.io/x/y:latest',
      versions: { python: 3.1, cuda: '12.3' },
      gpu: { vendor: 'nvidia', resource: 'nvidia.com/gpu', counts: [1, 1], types: ['h100'] },
      colour: 'blue',
    };
    const expected = loaderProblems(bad);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(expected.every((p) => p.field.startsWith('environments[broken]'))).toBe(true);
    const { version } = await source.document();
    const refused = source.createEnvironment(bad, version);
    await expect(refused).rejects.toBeInstanceOf(Unprocessable);
    await expect(refused).rejects.toMatchObject({ errors: expected });
  });

  it('names the problems of a replaced entry by its id, as the loader does', async () => {
    const { source } = await started();
    const { version } = await source.document();
    const entry = {
      ...cpuBase(),
      resources: { cpu: { default: '8', max: '2' }, memory: { default: '1Gi', max: '2Gi' } },
    };
    await expect(source.replaceEnvironment('cpu-base', entry, version)).rejects.toMatchObject({
      errors: [
        { field: 'environments[cpu-base].resources.cpu.default', message: '8 is more than the maximum 2' },
      ],
    });
  });

  it('adds, replaces and deletes environments, each write moving the version on', async () => {
    const { source } = await started();
    const v0 = (await source.document()).version;
    const created = await source.createEnvironment(newEnvironment(), v0);
    expect(created.version).not.toBe(v0);
    expect(created.catalog.environments.map((e) => e.id)).toContain('pandas-2');
    const replaced = await source.replaceEnvironment(
      'pandas-2',
      { ...newEnvironment(), displayName: 'Pandas 2.2' },
      created.version,
    );
    expect(replaced.catalog.environments.find((e) => e.id === 'pandas-2')?.displayName).toBe('Pandas 2.2');
    const deleted = await source.deleteEnvironment('pandas-2', replaced.version);
    expect(deleted.catalog.environments.map((e) => e.id)).not.toContain('pandas-2');
  });

  it('refuses a write based on an old version with the reload message and the current version', async () => {
    const { source } = await started();
    const v0 = (await source.document()).version;
    const { version: v1 } = await source.createEnvironment(newEnvironment(), v0);
    const stale = source.createEnvironment(newEnvironment('other'), v0);
    await expect(stale).rejects.toBeInstanceOf(VersionConflict);
    await expect(stale).rejects.toMatchObject({
      currentVersion: v1,
      message: 'The catalog changed since you loaded it; reload it and apply your edit again.',
    });
  });

  it('refuses a taken id (409), an unknown id (404) and a body naming another id (422)', async () => {
    const { source } = await started();
    const { version } = await source.document();
    await expect(source.createEnvironment(cpuBase(), version)).rejects.toBeInstanceOf(Conflict);
    await expect(source.replaceEnvironment('nope', newEnvironment('nope'), version)).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(source.deleteEnvironment('nope', version)).rejects.toBeInstanceOf(NotFound);
    await expect(
      source.replaceEnvironment('cpu-base', newEnvironment('other'), version),
    ).rejects.toMatchObject({
      errors: [{ field: 'environments[cpu-base].id' }],
    });
  });

  it('keeps the seed file comments (the field guide) through an edit', async () => {
    const store = new MemoryStore();
    const { source } = await started(store);
    await source.createEnvironment(newEnvironment(), (await source.document()).version);
    const { text } = await store.read();
    expect(text).toContain('# Field guide:');
    expect(text).toContain('id: pandas-2');
  });

  it('refuses to disable or delete the last enabled environment', async () => {
    const store = new MemoryStore();
    const only = stringify({
      gpuTypes: seed.gpuTypes,
      environments: [cpuBase(), { ...newEnvironment(), disabled: true }],
    });
    store.byHand(only);
    const { source } = await started(store);
    const { version } = await source.document();
    const problem = {
      field: 'environments',
      message: 'at least one environment must stay enabled (every one has disabled: true)',
    };
    await expect(
      source.replaceEnvironment('cpu-base', { ...cpuBase(), disabled: true }, version),
    ).rejects.toMatchObject({
      errors: [problem],
    });
    await expect(source.deleteEnvironment('cpu-base', version)).rejects.toMatchObject({ errors: [problem] });
  });
});

describe('CatalogSource: what users are offered', () => {
  it('leaves disabled environments out and moves the default to the first enabled one', async () => {
    const { source } = await started();
    const { version } = await source.document();
    expect(defaultEnvironment(source.current()).id).toBe('cpu-base');
    await source.replaceEnvironment('cpu-base', { ...cpuBase(), disabled: true }, version);
    const ids = source.current().environments.map((e) => e.id);
    expect(ids).not.toContain('cpu-base');
    expect(ids[0]).toBe('xgboost-cpu');
    expect(defaultEnvironment(source.current()).id).toBe('xgboost-cpu');
    expect(toProfileList(source.current()).find((p) => p.default)?.slug).toBe('xgboost-cpu');
    const document = await source.document();
    expect(document.catalog.environments.find((e) => e.id === 'cpu-base')?.disabled).toBe(true);
  });

  it('gives a live view that reflects a write, without handing out a new object', async () => {
    const { source } = await started();
    const catalog = liveCatalog(source);
    expect(catalog.environments.map((e) => e.id)).not.toContain('pandas-2');
    await source.createEnvironment(newEnvironment(), (await source.document()).version);
    expect(catalog.environments.map((e) => e.id)).toContain('pandas-2');
    expect(catalog.gpuTypes).toEqual(seed.gpuTypes);
  });

  it("takes in another replica's valid write from the watch", async () => {
    const { source, store } = await started();
    const raw = parseYaml(seedText) as { environments: unknown[] };
    raw.environments.push(newEnvironment('from-elsewhere'));
    store.byHand(stringify(raw));
    expect(source.current().environments.map((e) => e.id)).toContain('from-elsewhere');
  });

  it('keeps the last good catalog when a bad document is written by hand, and reports its problems', async () => {
    const { source, store } = await started();
    const before = source.current();
    store.byHand('environments: [{ id: Bad }]\n');
    expect(source.current()).toBe(before);
    expect(source.problems.map((p) => p.field)).toContain('environments[Bad].id');
    const document = await source.document();
    expect(document.problems.length).toBeGreaterThan(0);
    expect(document.catalog.environments.map((e) => e.id)).toEqual(seed.environments.map((e) => e.id));
    // Saving replaces the broken document with the catalog in effect plus the edit.
    const saved = await source.createEnvironment(newEnvironment(), document.version);
    expect(saved.catalog.environments.map((e) => e.id)).toEqual([
      ...seed.environments.map((e) => e.id),
      'pandas-2',
    ]);
    expect(source.problems).toEqual([]);
  });

  it('serves the initial catalog until the store answers', async () => {
    let fail = true;
    const store = new MemoryStore();
    const flaky: VersionedDocumentStore = {
      read: () => (fail ? Promise.reject(new Error('apiserver down')) : store.read()),
      write: (text, version) => store.write(text, version),
      watch: (listener) => store.watch(listener),
    };
    const source = new CatalogSource({
      store: flaky,
      table,
      initial: seed,
      logger: silent,
      location: 'memory',
      retryMs: 10,
    });
    source.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(source.loaded).toBe(false);
    expect(source.current().environments.length).toBe(seed.environments.length);
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(source.loaded).toBe(true);
    source.stop();
  });
});

describe('CatalogSource.preview', () => {
  it('renders the profile an entry would yield, and refuses an invalid one like a save', async () => {
    const { source } = await started();
    const profile = source.preview(newEnvironment());
    expect(profile).toMatchObject({ slug: 'pandas-2', display_name: 'Pandas 2' });
    expect(profile.default).toBeUndefined();
    expect(source.preview(cpuBase()).default).toBe(true);
    expect(() => source.preview({ ...newEnvironment(), image: 'nope' })).toThrow(Unprocessable);
  });
});
