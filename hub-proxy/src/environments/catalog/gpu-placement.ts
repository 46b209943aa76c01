import type { Catalog, Toleration } from './catalog-schema.js';

/**
 * Where a pod that uses GPUs goes: the node labels it selects and the taints
 * it tolerates. One function computes it from the catalog for notebook
 * servers (the KubeSpawner profiles), job runs and model servers, so the
 * three can never land on different nodes for the same GPU type.
 *
 * Managed clusters taint their GPU nodes (GKE and EKS with `nvidia.com/gpu`),
 * so a GPU pod needs its type's tolerations as much as its node selector; a
 * CPU pod gets neither (callers apply a placement only when GPUs are asked
 * for), so it never lands on a tainted GPU node.
 */

/** The pod fields of a GPU placement. Both are fresh copies: callers may keep or change them. */
export interface GpuPlacement {
  /** Every node label of the GPU type (the product label, and any extra ones such as a node pool). */
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

/**
 * The placement of pods using `gpuType`. A type the catalog does not define
 * (none given, or one an admin has since removed) gets no node selector and
 * the tolerations of every catalog GPU type: such a pod may run on any GPU
 * node, which is what its bare `nvidia.com/gpu` request asks for, and it is
 * not kept off the tainted ones.
 */
export function gpuPlacementOf(
  catalog: Pick<Catalog, 'gpuTypes'>,
  gpuType: string | undefined,
): GpuPlacement {
  const known = gpuType === undefined ? undefined : catalog.gpuTypes[gpuType];
  if (known) {
    return { nodeSelector: { ...known.nodeSelector }, tolerations: known.tolerations.map((t) => ({ ...t })) };
  }
  const seen = new Map<string, Toleration>();
  for (const type of Object.values(catalog.gpuTypes)) {
    for (const toleration of type.tolerations) seen.set(tolerationKey(toleration), { ...toleration });
  }
  return { nodeSelector: {}, tolerations: [...seen.values()] };
}

/**
 * Where the pod manifests of jobs and models get their GPU placement from:
 * hub-proxy wires {@link gpuPlacementOf} over the live catalog. Without it
 * (or when it answers undefined) GPU pods are placed by their GPU request alone.
 */
export interface GpuPlacementSource {
  gpuPlacementFor?(gpuType: string | undefined): GpuPlacement | undefined;
}

/**
 * The pod spec fields (`nodeSelector`, `tolerations`) of a pod asking for
 * `gpus` GPUs of `gpuType`: empty for a CPU pod, and empty fields left out.
 */
export function gpuPodFields(
  source: GpuPlacementSource,
  gpus: number,
  gpuType: string | undefined,
): Partial<GpuPlacement> {
  if (gpus <= 0) return {};
  const placement = source.gpuPlacementFor?.(gpuType);
  if (!placement) return {};
  return {
    ...(Object.keys(placement.nodeSelector).length > 0 ? { nodeSelector: placement.nodeSelector } : {}),
    ...(placement.tolerations.length > 0 ? { tolerations: placement.tolerations } : {}),
  };
}

/** Tolerations are equal when every field is. */
function tolerationKey(t: Toleration): string {
  return JSON.stringify([t.key, t.operator, t.value, t.effect, t.tolerationSeconds]);
}
