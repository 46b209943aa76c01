import { join } from 'node:path';
import type { RunMarker, RunRecord } from '../model.js';
import { readJsonDirectory, removeFile, writeJsonAtomic } from '../../files/json-files.js';
import { SerialQueue } from './serial-queue.js';

/** Run ids become file names: lowercase DNS labels only. */
const RUN_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** True if `id` can name a run (and its files). */
export function isValidRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/**
 * Run records of the local runtime, as JSON files under
 * `<directory>/<id>.json`. The records are held in memory (loaded once by
 * {@link load}) and every change is written through, atomically and in
 * order. Changes are synchronous on the in-memory record before the write,
 * so a check-and-set such as {@link claimMarker} is atomic in the process.
 */
export class LocalRunStore {
  private readonly records = new Map<string, RunRecord>();
  private readonly writes = new SerialQueue();

  constructor(readonly directory: string) {}

  /** Reads the records a previous process left. */
  async load(): Promise<void> {
    this.records.clear();
    for (const record of await readJsonDirectory<RunRecord>(this.directory)) {
      if (isValidRunId(record.id)) this.records.set(record.id, record);
    }
  }

  /** A copy of the record, or undefined. */
  get(id: string): RunRecord | undefined {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  /** Copies of every record, newest first. */
  all(): RunRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r)).sort(newestFirst);
  }

  /** Copies of one job's records, newest first. */
  list(jobObjectName: string): RunRecord[] {
    return this.all().filter((r) => r.jobObjectName === jobObjectName);
  }

  /** Adds a record; undefined (nothing written) if the id is taken. */
  async create(record: RunRecord): Promise<RunRecord | undefined> {
    if (!isValidRunId(record.id)) throw new Error(`invalid run id ${JSON.stringify(record.id)}`);
    if (this.records.has(record.id)) return undefined;
    this.records.set(record.id, structuredClone(record));
    await this.persist(record.id);
    return structuredClone(record);
  }

  /**
   * Applies `mutate` to the record and writes it; undefined if there is no
   * such record. `mutate` runs synchronously, so it sees and sets state atomically.
   */
  async update(id: string, mutate: (record: RunRecord) => void): Promise<RunRecord | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    mutate(record);
    await this.persist(id);
    return structuredClone(record);
  }

  /** Sets `marker` unless it is there: true if this call set it; undefined if there is no such run. */
  async claimMarker(id: string, marker: RunMarker): Promise<boolean | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    if (record.markers.includes(marker)) return false;
    record.markers.push(marker);
    await this.persist(id);
    return true;
  }

  /** Removes the record; true if it was there. */
  async delete(id: string): Promise<boolean> {
    const existed = this.records.delete(id);
    await this.writes.run(() => removeFile(this.path(id)));
    return existed;
  }

  /** Writes the record's current state (or removes its file if it was deleted meanwhile). */
  private persist(id: string): Promise<void> {
    return this.writes.run(async () => {
      const record = this.records.get(id);
      if (record) await writeJsonAtomic(this.path(id), record);
      else await removeFile(this.path(id));
    });
  }

  private path(id: string): string {
    return join(this.directory, `${id}.json`);
  }
}

function newestFirst(a: RunRecord, b: RunRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
