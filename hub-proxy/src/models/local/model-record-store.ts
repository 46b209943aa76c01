import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import { readJsonDirectory, readJsonFile, removeFile, writeJsonAtomic } from '../../files/json-files.js';
import type { ModelRecord, ModelSpec, ModelStatus } from '../model.js';

/** Names that are safe as file names (the API allows a subset: DNS labels). */
const RECORD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME_LENGTH = 63;

/**
 * The local runtime's model records, one JSON file each under
 * `<directory>/<name>.json`, written atomically (temp file + rename).
 * Every write, spec or status, changes `resourceVersion`, as on Kubernetes;
 * `update` refuses a stale one with {@link Conflict}. Writes are serialised
 * in this process, so a read-check-write is never interleaved with another.
 */
export class LocalModelRecordStore {
  private tail: Promise<unknown> = Promise.resolve();
  /** The last resourceVersion this store issued. */
  private issued = 0;

  constructor(readonly directory: string) {}

  /** Every record, in file-name order. */
  async list(): Promise<ModelRecord[]> {
    return readJsonDirectory<ModelRecord>(this.directory);
  }

  /** The record of `name`, or undefined. */
  async get(name: string): Promise<ModelRecord | undefined> {
    return RECORD_NAME.test(name) ? this.read(name) : undefined;
  }

  /** Stores a new record with `status`; {@link Conflict} if the name is taken. */
  async create(spec: ModelSpec, status: ModelStatus): Promise<ModelRecord> {
    const name = checkName(spec.name);
    return this.serial(async () => {
      if (await this.read(name)) throw new Conflict(`A model named ${name} exists already.`);
      const record: ModelRecord = {
        spec: structuredClone(spec),
        status: structuredClone(status),
        resourceVersion: this.nextResourceVersion(undefined),
        uid: randomUUID(),
        createdAt: new Date().toISOString(),
      };
      await this.write(record);
      return record;
    });
  }

  /** Replaces the spec; {@link Conflict} if `resourceVersion` is not the stored one. */
  async update(spec: ModelSpec, resourceVersion: string): Promise<ModelRecord> {
    const name = checkName(spec.name);
    return this.serial(async () => {
      const current = await this.read(name);
      if (!current) throw new NotFound(`No model named ${name}.`);
      if (current.resourceVersion !== resourceVersion) {
        throw new Conflict(
          `Model ${name} has changed since it was read (resourceVersion ${current.resourceVersion}, ` +
            `not ${resourceVersion}); read it again and retry.`,
        );
      }
      const record: ModelRecord = {
        ...current,
        spec: structuredClone(spec),
        resourceVersion: this.nextResourceVersion(current.resourceVersion),
      };
      await this.write(record);
      return record;
    });
  }

  /**
   * Sets the observed status of `name` unless it is already that (ignoring
   * `updatedAt`). Undefined when the record is gone.
   */
  async setStatus(name: string, status: ModelStatus): Promise<ModelRecord | undefined> {
    return this.serial(async () => {
      const current = await this.get(name);
      if (!current) return undefined;
      const { updatedAt: _was, ...before } = current.status;
      const { updatedAt: _now, ...after } = status;
      if (isDeepStrictEqual(before, after)) return current;
      const record: ModelRecord = {
        ...current,
        status: { ...structuredClone(status), updatedAt: new Date().toISOString() },
        resourceVersion: this.nextResourceVersion(current.resourceVersion),
      };
      await this.write(record);
      return record;
    });
  }

  /** Removes the record; true if it was there. */
  async delete(name: string): Promise<boolean> {
    if (!RECORD_NAME.test(name)) return false;
    return this.serial(() => removeFile(this.path(name)));
  }

  /**
   * The next resourceVersion: above the record's last one and any this
   * store issued, and at least the time in ms, so a model deleted and
   * created again (even by a later hub-proxy) never repeats a version a
   * client may still hold.
   */
  private nextResourceVersion(previous: string | undefined): string {
    const last = previous === undefined ? 0 : Number(previous);
    this.issued = Math.max(Number.isFinite(last) ? last + 1 : 0, this.issued + 1, Date.now());
    return String(this.issued);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private read(name: string): Promise<ModelRecord | undefined> {
    return readJsonFile<ModelRecord>(this.path(name));
  }

  private write(record: ModelRecord): Promise<void> {
    return writeJsonAtomic(this.path(record.spec.name), record);
  }

  private path(name: string): string {
    return join(this.directory, `${name}.json`);
  }
}

function checkName(name: string): string {
  if (!RECORD_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new InvalidInput([
      { field: 'name', message: 'must be lower-case letters, digits and dashes (at most 63)' },
    ]);
  }
  return name;
}
