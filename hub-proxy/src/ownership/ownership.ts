import { ANNOTATIONS, LABELS } from './labels.js';
import { safeSlug } from './slug.js';

/** The metadata fields ownership looks at (a Kubernetes ObjectMeta fits). */
export interface OwnedMeta {
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
}

/** The caller, as far as ownership is concerned. */
export interface Actor {
  name: string;
  isAdmin: boolean;
}

/** The owner label value for a hub user name. */
export function ownerLabelValue(name: string): string {
  return safeSlug(name);
}

/** Labels and annotations to stamp on an object `name` creates. */
export function ownerMetadata(name: string): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return {
    labels: { [LABELS.owner]: ownerLabelValue(name) },
    annotations: { [ANNOTATIONS.ownerName]: name },
  };
}

/** A label selector for the objects `name` owns, for list and watch calls. */
export function ownerSelector(name: string): string {
  return `${LABELS.owner}=${ownerLabelValue(name)}`;
}

/**
 * True if `actor` owns the object: the owner label must be the actor's slug,
 * and the raw-name annotation must match too. The annotation may be missing
 * only when the slug is the name itself: such a slug names one user, while
 * a hashed slug (`---<8 hex>`, KubeSpawner's 32 bits) can be shared by two
 * names, so the label alone (the server-side filter) never decides.
 */
export function isOwner(actor: Pick<Actor, 'name'>, meta: OwnedMeta): boolean {
  const slug = ownerLabelValue(actor.name);
  if (meta.labels?.[LABELS.owner] !== slug) return false;
  const ownerName = meta.annotations?.[ANNOTATIONS.ownerName];
  if (ownerName === undefined) return slug === actor.name;
  return ownerName === actor.name;
}

/** Whether `actor` may read or modify the object: its owner, or an admin. */
export function canAccess(actor: Actor, meta: OwnedMeta): boolean {
  return actor.isAdmin || isOwner(actor, meta);
}
