import { PatchStrategy, type KubernetesObject, type V1ObjectMeta } from '@kubernetes/client-node';
import { toKubeError } from './errors.js';
import type { KubeClients } from './kube-clients.js';

/** An object to apply: apiVersion, kind and metadata.name are required by the API server. */
export type ApplyObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string };
};

/** What the API server returns: the object as stored, with full metadata (namespace, resourceVersion, managedFields). */
export type AppliedObject<T> = T & { metadata: V1ObjectMeta };

/** Options for {@link serverSideApply}. */
export interface ApplyOptions {
  /** Overrides the clients' field manager (default `turing-hub-proxy`). */
  fieldManager?: string;
  /** Take ownership of fields another manager owns instead of failing with a conflict. */
  force?: boolean;
  /** Validate and compute the result without persisting it. */
  dryRun?: boolean;
}

/**
 * Server-side apply (`application/apply-patch+yaml`): creates the object or
 * updates the fields this field manager owns. Namespaced kinds without
 * `metadata.namespace` go to the clients' namespace (see {@link KubeClients.objects}).
 *
 * Returns the object as stored, with `managedFields`. Failures are thrown as
 * {@link KubeError}s; a field owned by another manager is a `conflict` unless
 * `force` is set.
 */
export async function serverSideApply<T extends ApplyObject>(
  clients: Pick<KubeClients, 'objects' | 'fieldManager'>,
  object: T,
  options: ApplyOptions = {},
): Promise<AppliedObject<T>> {
  try {
    // client-node writes the default namespace into the object it is given; keep the caller's untouched.
    const body = { ...object, metadata: { ...object.metadata } } as AppliedObject<T>;
    return await clients.objects.patch<AppliedObject<T>>(
      body,
      undefined,
      options.dryRun ? 'All' : undefined,
      options.fieldManager ?? clients.fieldManager,
      options.force,
      PatchStrategy.ServerSideApply,
    );
  } catch (err) {
    throw toKubeError(err);
  }
}
