import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { toKubeError } from './errors.js';
import type { KubeClients } from './kube-clients.js';
import { resourceLabel, type ResourceType } from './resource-path.js';

/** A namespaced resource type the store works on, e.g. ConfigMaps or `notebookjobs.turing.dev`. */
export interface OwnedResourceType extends ResourceType {
  /** e.g. `ConfigMap`, `NotebookJob`. */
  kind: string;
  /** `version` for the core group, else `group/version`. */
  apiVersion: string;
}

/** Options for {@link OwnedResourceStore.list}. */
export interface ResourceListOptions {
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

/**
 * One namespaced resource type in the clients' namespace, with the handful of
 * calls `OwnedObjects` needs (it satisfies `OwnedObjectStore` structurally, so
 * this layer does not import the service layer). Every failure is thrown as a
 * {@link KubeError} via {@link toKubeError}.
 */
export class OwnedResourceStore<T extends KubernetesObject> {
  /** For logs and metrics, e.g. `configmaps`. */
  readonly label: string;

  constructor(
    private readonly clients: Pick<KubeClients, 'objects' | 'customObjects' | 'namespace' | 'fieldManager'>,
    readonly type: OwnedResourceType,
  ) {
    const expected = type.group ? `${type.group}/${type.version}` : type.version;
    if (type.apiVersion !== expected) {
      throw new Error(`OwnedResourceStore: apiVersion ${type.apiVersion} does not match ${expected}`);
    }
    this.label = resourceLabel(type);
  }

  /** One page of objects matching `labelSelector` (all when absent). */
  async list(options: ResourceListOptions = {}): Promise<{ items: T[]; continue?: string }> {
    const { namespace } = this.clients;
    const { group, version, plural, apiVersion, kind } = this.type;
    const list = await this.run<KubernetesListObject<T>>(() =>
      group
        ? // The generic API decodes unknown list kinds' metadata as ObjectMeta, dropping `continue`.
          this.clients.customObjects.listNamespacedCustomObject({
            group,
            version,
            namespace,
            plural,
            labelSelector: options.labelSelector,
            limit: options.limit,
            _continue: options.continue,
          })
        : this.clients.objects.list<T>(
            apiVersion,
            kind,
            namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            options.labelSelector,
            options.limit,
            options.continue,
          ),
    );
    // Typed lists name it `_continue`, raw JSON `continue`.
    const meta = list.metadata as { _continue?: string; continue?: string } | undefined;
    const token = meta?._continue ?? meta?.continue;
    return token ? { items: list.items, continue: token } : { items: list.items };
  }

  /** Reads the object; KubeNotFoundError if absent. */
  get(name: string): Promise<T> {
    return this.run(() => this.clients.objects.read<T>(this.header(name)));
  }

  /** Creates (POST): KubeConflictError `already-exists` if the name is taken; never overwrites. */
  create(object: T): Promise<T> {
    return this.run(() =>
      this.clients.objects.create<T>(this.own(object), undefined, undefined, this.clients.fieldManager),
    );
  }

  /** Replaces (PUT); a set `metadata.resourceVersion` must still be current, else KubeConflictError. */
  replace(object: T): Promise<T> {
    return this.run(() =>
      this.clients.objects.replace<T>(this.own(object), undefined, undefined, this.clients.fieldManager),
    );
  }

  /** Deletes; with preconditions, only if the object still has that uid and resourceVersion. */
  async delete(name: string, preconditions: { uid?: string; resourceVersion?: string } = {}): Promise<void> {
    await this.run(() =>
      this.clients.objects.delete(this.header(name), undefined, undefined, undefined, undefined, undefined, {
        preconditions,
      }),
    );
  }

  private header(name: string) {
    const { apiVersion, kind } = this.type;
    return { apiVersion, kind, metadata: { name, namespace: this.clients.namespace } };
  }

  /** A copy pinned to this store's kind and namespace (client-node mutates what it is given). */
  private own(object: T): T {
    const { apiVersion, kind } = this.type;
    return {
      ...object,
      apiVersion,
      kind,
      metadata: { ...object.metadata, namespace: this.clients.namespace },
    };
  }

  private async run<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (err) {
      throw toKubeError(err);
    }
  }
}
