import { PatchStrategy, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { toKubeError, type KubeError } from './errors.js';
import type { KubeClients } from './kube-clients.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
// Lists of names and labels only: the parts' data can be megabytes.
const METADATA_ONLY = setHeaderOptions(
  'Accept',
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
);

/** The API server refuses ConfigMaps over 1 MiB; parts are closed well before. */
export const DEFAULT_PART_BYTES = 900 * 1024;

/** Where and how {@link AppendOnlyConfigMaps} keeps its groups. */
export interface AppendOnlyConfigMapsOptions {
  clients: Pick<KubeClients, 'core' | 'namespace' | 'fieldManager'>;
  /** Parts are named `<prefix>-<group>-<n>`, n from 0. */
  prefix: string;
  /** The label whose value is the group (e.g. `turing.dev/audit-day`). */
  groupLabel: string;
  /** More labels on every part (e.g. `app.kubernetes.io/part-of: turing`). */
  labels?: Record<string, string>;
  /** A part takes no more appends past this many bytes of data. */
  partBytes?: number;
}

interface OpenPart {
  index: number;
  bytes: number;
}

/**
 * Append-only key/value groups in ConfigMaps: each group (a day) is a series
 * of parts, `<prefix>-<group>-0`, `-1`, ... Appends are JSON merge patches
 * that only add keys, so several replicas append to one part without
 * reading it first and without overwriting each other. A missing part is
 * created (and patched again if another replica created it first); a part
 * that is full, by our count or by the API server's size check, is left
 * for the next. Failures are thrown as {@link KubeError}s.
 */
export class AppendOnlyConfigMaps {
  private readonly partBytes: number;
  private readonly open = new Map<string, OpenPart>();

  constructor(private readonly options: AppendOnlyConfigMapsOptions) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.prefix)) throw new Error('bad ConfigMap prefix');
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  }

  /** The groups that have at least one part. */
  async groups(): Promise<string[]> {
    const list = await this.list(this.options.groupLabel, METADATA_ONLY);
    return [...new Set(list.flatMap((cm) => cm.metadata?.labels?.[this.options.groupLabel] ?? []))];
  }

  /** Every key of every part of `group`. */
  async read(group: string): Promise<Record<string, string>> {
    const parts = await this.list(`${this.options.groupLabel}=${group}`);
    return Object.assign({}, ...parts.map((cm) => cm.data ?? {})) as Record<string, string>;
  }

  /** Adds `data`'s keys to the group's open part, moving to new parts as they fill. */
  async append(group: string, data: Readonly<Record<string, string>>): Promise<void> {
    let chunk: Record<string, string> = {};
    let chunkBytes = 0;
    for (const [key, value] of Object.entries(data)) {
      const bytes = key.length + Buffer.byteLength(value);
      if (chunkBytes > 0 && chunkBytes + bytes > this.partBytes / 2) {
        await this.appendChunk(group, chunk, chunkBytes);
        chunk = {};
        chunkBytes = 0;
      }
      chunk[key] = value;
      chunkBytes += bytes;
    }
    if (chunkBytes > 0) await this.appendChunk(group, chunk, chunkBytes);
  }

  /** Deletes every part of `group`; a group already gone is fine. */
  async delete(group: string): Promise<void> {
    this.open.delete(group);
    try {
      await this.options.clients.core.deleteCollectionNamespacedConfigMap({
        namespace: this.options.clients.namespace,
        labelSelector: this.selector(`${this.options.groupLabel}=${group}`),
      });
    } catch (err) {
      const error = toKubeError(err);
      if (error.kind !== 'not-found') throw error;
    }
  }

  private async appendChunk(group: string, chunk: Record<string, string>, bytes: number): Promise<void> {
    let part = this.open.get(group) ?? (await this.findOpenPart(group));
    for (let attempts = 0; ; attempts++) {
      if (part.bytes > 0 && part.bytes + bytes > this.partBytes) part = { index: part.index + 1, bytes: 0 };
      try {
        const stored = await this.addKeys(this.partName(group, part.index), group, chunk);
        part = { index: part.index, bytes: dataBytes(stored) };
        this.open.set(group, part);
        return;
      } catch (err) {
        const error = toKubeError(err);
        // Another replica filled the part past what we counted: the next one.
        if (!isTooLarge(error) || attempts >= 3) throw error;
        part = { index: part.index + 1, bytes: 0 };
      }
    }
  }

  /** Merge-patches the keys in, creating the part when it does not exist yet. */
  private async addKeys(name: string, group: string, data: Record<string, string>): Promise<V1ConfigMap> {
    const { core, namespace, fieldManager } = this.options.clients;
    const patch = () =>
      core.patchNamespacedConfigMap({ name, namespace, body: { data }, fieldManager }, MERGE_PATCH);
    try {
      return await patch();
    } catch (err) {
      if (toKubeError(err).kind !== 'not-found') throw err;
    }
    try {
      return await core.createNamespacedConfigMap({
        namespace,
        fieldManager,
        body: {
          metadata: { name, labels: { ...this.options.labels, [this.options.groupLabel]: group } },
          data,
        },
      });
    } catch (err) {
      if (toKubeError(err).kind !== 'already-exists') throw err;
      return patch();
    }
  }

  /** After a restart: the highest part of the group and its size. */
  private async findOpenPart(group: string): Promise<OpenPart> {
    const prefix = `${this.options.prefix}-${group}-`;
    let open: OpenPart = { index: 0, bytes: 0 };
    for (const cm of await this.list(`${this.options.groupLabel}=${group}`)) {
      const index = Number((cm.metadata?.name ?? '').slice(prefix.length));
      if (Number.isInteger(index) && index >= open.index) open = { index, bytes: dataBytes(cm) };
    }
    return open;
  }

  private partName(group: string, index: number): string {
    return `${this.options.prefix}-${group}-${index}`;
  }

  /** `requirement` plus the labels every part carries. */
  private selector(requirement: string): string {
    return [...Object.entries(this.options.labels ?? {}).map(([k, v]) => `${k}=${v}`), requirement].join(',');
  }

  private async list(requirement: string, options?: typeof METADATA_ONLY): Promise<V1ConfigMap[]> {
    try {
      const list = await this.options.clients.core.listNamespacedConfigMap(
        { namespace: this.options.clients.namespace, labelSelector: this.selector(requirement) },
        options,
      );
      // A metadata-only list encodes no items as null.
      return (list.items as V1ConfigMap[] | null) ?? [];
    } catch (err) {
      throw toKubeError(err);
    }
  }
}

function dataBytes(cm: V1ConfigMap): number {
  return Object.entries(cm.data ?? {}).reduce((sum, [k, v]) => sum + k.length + Buffer.byteLength(v), 0);
}

/** 422 "Too long" (over 1 MiB) or 413/etcd's "request is too large". */
function isTooLarge(error: KubeError): boolean {
  return (
    error.status === 413 ||
    /too long|too large|exceeds|must have at most/i.test(error.message) ||
    (error.kind === 'invalid' && /1048576/.test(error.message))
  );
}
