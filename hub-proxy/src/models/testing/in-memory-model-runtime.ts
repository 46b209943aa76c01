import { Conflict } from '../../errors/index.js';
import type { Endpoint, EndpointSource } from '../gateway/endpoint-source.js';
import type { ModelRecord, ModelRuntime, ModelSpec } from '../model.js';

/**
 * An in-memory {@link ModelRuntime} for unit tests of the service's logic.
 * It serves nothing; the real runtimes are tested against MLServer and the
 * apiserver in tests/integration.
 */
export class InMemoryModelRuntime implements ModelRuntime {
  readonly kind = 'local' as const;
  private readonly records = new Map<string, ModelRecord>();
  private revision = 0;
  readonly endpoints: EndpointSource = {
    endpoints: (): readonly Endpoint[] => [],
    subscribe: () => () => undefined,
  };

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async list(owner?: string): Promise<ModelRecord[]> {
    return [...this.records.values()].filter((r) => owner === undefined || r.spec.owner === owner).map(clone);
  }

  async get(name: string): Promise<ModelRecord | undefined> {
    const record = this.records.get(name);
    return record && clone(record);
  }

  async create(spec: ModelSpec): Promise<ModelRecord> {
    if (this.records.has(spec.name)) throw new Conflict(`model ${spec.name} exists`);
    const record: ModelRecord = {
      spec: structuredClone(spec),
      status: { phase: 'Pending', replicas: 0, readyReplicas: 0, servingVersions: [] },
      resourceVersion: String(++this.revision),
      createdAt: new Date().toISOString(),
    };
    this.records.set(spec.name, record);
    return clone(record);
  }

  async update(spec: ModelSpec, resourceVersion: string): Promise<ModelRecord> {
    const current = this.records.get(spec.name);
    if (!current || current.resourceVersion !== resourceVersion) throw new Conflict('stale resourceVersion');
    const record = { ...current, spec: structuredClone(spec), resourceVersion: String(++this.revision) };
    this.records.set(spec.name, record);
    return clone(record);
  }

  async delete(name: string): Promise<void> {
    this.records.delete(name);
  }

  async logs(name: string, tailLines: number): Promise<string> {
    return `${name}: ${tailLines} lines\n`;
  }

  /** Makes the next `update` of `name` fail as if another writer won. */
  bump(name: string): void {
    const current = this.records.get(name);
    if (current) this.records.set(name, { ...current, resourceVersion: String(++this.revision) });
  }
}

function clone(record: ModelRecord): ModelRecord {
  return structuredClone(record);
}
