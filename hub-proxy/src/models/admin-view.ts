import type { z } from 'zod';
import type { WindowSummary } from './gateway/index.js';
import type { adminModelSchema } from './admin-schemas.js';
import type { ModelView } from './views.js';

/** A model as the admin page shows it. */
export type AdminModelView = z.input<typeof adminModelSchema>;

/** The admin view of `view`: state and ready replicas at the top, the gateway's last minute, key metadata. */
export function adminModelView(view: ModelView, gateway: WindowSummary): AdminModelView {
  return {
    ...view,
    state: view.status.phase,
    readyReplicas: view.status.readyReplicas,
    apiKeys: view.apiKeys.map(({ id, label, createdAt }) => ({ id, name: label, label, createdAt })),
    gateway,
  };
}

/** Owners A to Z, then model names: a stable order for the table. */
export function byOwnerThenName(a: ModelView, b: ModelView): number {
  return a.owner.localeCompare(b.owner) || a.name.localeCompare(b.name);
}
