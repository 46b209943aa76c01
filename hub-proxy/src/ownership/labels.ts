/**
 * Every `turing.dev/*` label and annotation key, in one place so the API layer
 * and the Kubernetes layer can never disagree on spelling.
 */

/** Label keys Turing sets on the objects it creates. */
export const LABELS = {
  /** The owner's KubeSpawner "safe" slug (a valid label value). */
  owner: 'turing.dev/owner',
} as const;

/** Annotation keys Turing sets on the objects it creates. */
export const ANNOTATIONS = {
  /** The owner's raw JupyterHub user name (labels cannot hold every name). */
  ownerName: 'turing.dev/owner-name',
} as const;
