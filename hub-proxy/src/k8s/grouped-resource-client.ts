import {
  PatchStrategy,
  setHeaderOptions,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { toKubeError } from './errors.js';
import { InformerCache, type InformerCacheOptions, type ListPageRequest } from './informer-cache.js';
import type { KubeClients } from './kube-clients.js';
import { resourceLabel, type ResourceType } from './resource-path.js';

/** A resource type outside the core group, e.g. `{ group: 'batch', version: 'v1', plural: 'jobs' }`. */
export interface GroupedResourceType extends ResourceType {
  group: string;
}

/** How {@link GroupedResourceClient.delete} treats dependents, as the API server spells it. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Raw-JSON calls on one namespaced resource of a named API group (built-in,
 * such as `batch`, or custom, such as `turing.dev`) in the clients'
 * namespace, through the custom-objects endpoints: what comes back is the API
 * server's JSON (timestamps are strings), as an {@link InformerCache} holds
 * it. Adds what {@link OwnedResourceStore} has no call for: merge patches
 * (also of the status subresource), deletion with a propagation policy, and
 * lists that keep their resourceVersion for informers. Failures are thrown as
 * {@link KubeError}s.
 */
export class GroupedResourceClient<T extends KubernetesObject> {
  /** For logs and metrics, e.g. `jobs.batch`. */
  readonly label: string;

  constructor(
    private readonly clients: Pick<
      KubeClients,
      'customObjects' | 'kubeConfig' | 'namespace' | 'fieldManager'
    >,
    readonly type: GroupedResourceType,
  ) {
    if (!type.group) throw new Error('GroupedResourceClient: the core group has no custom-objects endpoint');
    this.label = resourceLabel(type);
  }

  /**
   * The list (with `metadata.resourceVersion`), optionally filtered by label
   * selector; one page of it when `limit` is set (`_continue` for the next).
   */
  list(request: ListPageRequest = {}): Promise<KubernetesListObject<T>> {
    return this.run(() =>
      this.clients.customObjects.listNamespacedCustomObject({ ...this.where(), ...request }),
    );
  }

  /** Reads one object; KubeNotFoundError if absent. */
  get(name: string): Promise<T> {
    return this.run(() => this.clients.customObjects.getNamespacedCustomObject({ ...this.where(), name }));
  }

  /** Reads one object; undefined if absent. */
  async find(name: string): Promise<T | undefined> {
    try {
      return await this.get(name);
    } catch (err) {
      if (toKubeError(err).kind === 'not-found') return undefined;
      throw err;
    }
  }

  /** Creates (POST); KubeConflictError `already-exists` if the name is taken. */
  create(object: T): Promise<T> {
    return this.run(() =>
      this.clients.customObjects.createNamespacedCustomObject({
        ...this.where(),
        body: object,
        fieldManager: this.clients.fieldManager,
      }),
    );
  }

  /**
   * JSON merge patch (RFC 7386) of the object, or of its `status` subresource.
   * A `metadata.resourceVersion` in the patch makes it conditional: the API
   * server answers KubeConflictError when the object has changed since.
   */
  mergePatch(name: string, patch: object, options: { subresource?: 'status' } = {}): Promise<T> {
    const request = { ...this.where(), name, body: patch, fieldManager: this.clients.fieldManager };
    return this.run(() =>
      options.subresource === 'status'
        ? this.clients.customObjects.patchNamespacedCustomObjectStatus(request, MERGE_PATCH)
        : this.clients.customObjects.patchNamespacedCustomObject(request, MERGE_PATCH),
    );
  }

  /** Deletes; absent objects are fine. `propagationPolicy` decides what happens to dependents. */
  async delete(
    name: string,
    options: { propagationPolicy?: PropagationPolicy; preconditions?: { uid?: string } } = {},
  ): Promise<void> {
    try {
      await this.clients.customObjects.deleteNamespacedCustomObject({
        ...this.where(),
        name,
        ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
        ...(options.preconditions ? { body: { preconditions: options.preconditions } } : {}),
      });
    } catch (err) {
      const error = toKubeError(err);
      if (error.kind !== 'not-found') throw error;
    }
  }

  /** An informer over this resource in the clients' namespace (not started). */
  informer(
    options: Omit<InformerCacheOptions<T>, 'kubeConfig' | 'resource' | 'namespace' | 'list'> = {},
  ): InformerCache<T> {
    return new InformerCache<T>({
      ...options,
      kubeConfig: this.clients.kubeConfig,
      resource: this.type,
      namespace: this.clients.namespace,
      list: (page) => this.list(page),
    });
  }

  private where() {
    const { group, version, plural } = this.type;
    return { group, version, plural, namespace: this.clients.namespace };
  }

  private async run<R>(call: () => Promise<unknown>): Promise<R> {
    try {
      return (await call()) as R;
    } catch (err) {
      throw toKubeError(err);
    }
  }
}
