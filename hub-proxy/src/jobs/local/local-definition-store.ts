import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { NotebookJob } from '../model.js';
import { matchesLabels } from '../../k8s/label-selector.js';
import {
  alreadyExists,
  checkName,
  conflict,
  decodeCursor,
  notFound,
  OBJECT_NAME,
  parseSelector,
} from '../definition-errors.js';
import { readJsonDirectory, readJsonFile, removeFile, writeJsonAtomic } from '../../files/json-files.js';
import { SerialQueue } from './serial-queue.js';

/** Kubernetes object names (DNS-1123 subdomain); also safe as file names. */

/** Options of {@link LocalDefinitionStore.list}, as the Kubernetes list call takes them. */
export interface DefinitionListOptions {
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

/**
 * NotebookJob objects of the local runtime, one JSON file each under
 * `<directory>/<name>.json`. Behaves like the Kubernetes store as far as
 * `services/owned-objects.ts` can tell: uid, incrementing resourceVersion,
 * generation bumped on spec changes, and the same typed KubeErrors
 * (KubeNotFoundError, KubeConflictError `already-exists` / `conflict`).
 * There is no status subresource: `replace` writes spec and status.
 */
export class LocalDefinitionStore {
  private readonly queue = new SerialQueue();

  constructor(readonly directory: string) {}

  /** Objects sorted by name, filtered by `labelSelector`, paged by `limit` / `continue`. */
  async list(options: DefinitionListOptions = {}): Promise<{ items: NotebookJob[]; continue?: string }> {
    const requirements = parseSelector(options.labelSelector);
    const after = decodeCursor(options.continue);
    const all = await readJsonDirectory<NotebookJob>(this.directory);
    const matching = all
      .filter((o) => matchesLabels(requirements, o.metadata.labels))
      .filter((o) => after === undefined || (o.metadata.name ?? '') > after)
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const limit = options.limit && options.limit > 0 ? options.limit : matching.length;
    const items = matching.slice(0, limit);
    const last = items.at(-1)?.metadata.name;
    return matching.length > limit && last
      ? { items, continue: Buffer.from(last, 'utf8').toString('base64url') }
      : { items };
  }

  /** One object; KubeNotFoundError if there is none. */
  async get(name: string): Promise<NotebookJob> {
    const found = await this.read(name);
    if (!found) throw notFound(name);
    return found;
  }

  /** Creates, never overwrites: KubeConflictError (`already-exists`) if the name is taken. */
  async create(object: NotebookJob): Promise<NotebookJob> {
    const name = checkName(object.metadata.name);
    return this.queue.run(async () => {
      if (await this.read(name)) {
        throw alreadyExists(name);
      }
      const stored: NotebookJob = {
        ...structuredClone(object),
        metadata: {
          ...structuredClone(object.metadata),
          name,
          uid: randomUUID(),
          resourceVersion: '1',
          generation: 1,
          creationTimestamp: new Date().toISOString(),
        },
      };
      delete stored.metadata.deletionTimestamp;
      await writeJsonAtomic(this.path(name), stored);
      return stored;
    });
  }

  /**
   * Replaces the object. A `metadata.resourceVersion` (or uid) other than
   * the stored one is a KubeConflictError; identity fields stay the stored ones.
   */
  async replace(object: NotebookJob): Promise<NotebookJob> {
    const name = checkName(object.metadata.name);
    return this.queue.run(async () => {
      const current = await this.read(name);
      if (!current) throw notFound(name);
      const { resourceVersion, uid } = object.metadata;
      if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(name, 'the object has been modified; please apply your changes to the latest version');
      }
      if (uid !== undefined && uid !== current.metadata.uid) throw conflict(name, `uid is not ${uid}`);
      const specChanged = !isDeepStrictEqual(current.spec, object.spec);
      const stored: NotebookJob = {
        ...structuredClone(object),
        metadata: {
          ...structuredClone(object.metadata),
          name,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          resourceVersion: String(Number(current.metadata.resourceVersion ?? '0') + 1),
          generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
        },
      };
      await writeJsonAtomic(this.path(name), stored);
      return stored;
    });
  }

  /** Deletes; KubeNotFoundError if absent, KubeConflictError if a precondition does not hold. */
  async delete(name: string, preconditions: { uid?: string; resourceVersion?: string } = {}): Promise<void> {
    checkName(name);
    return this.queue.run(async () => {
      const current = await this.read(name);
      if (!current) throw notFound(name);
      if (preconditions.uid !== undefined && preconditions.uid !== current.metadata.uid) {
        throw conflict(name, `Precondition failed: UID in precondition: ${preconditions.uid}`);
      }
      if (
        preconditions.resourceVersion !== undefined &&
        preconditions.resourceVersion !== current.metadata.resourceVersion
      ) {
        throw conflict(
          name,
          `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}`,
        );
      }
      await removeFile(this.path(name));
    });
  }

  private read(name: string): Promise<NotebookJob | undefined> {
    if (!OBJECT_NAME.test(name)) return Promise.resolve(undefined);
    return readJsonFile<NotebookJob>(this.path(name));
  }

  private path(name: string): string {
    return join(this.directory, `${name}.json`);
  }
}
