import type { AlertDelivery, NotebookJobStatus } from '../model.js';

/** How many alert deliveries a job's status keeps. */
export const ALERT_HISTORY_LIMIT = 20;

/** `status` with `delivery` appended to `alerts`, keeping the newest {@link ALERT_HISTORY_LIMIT}. */
export function withAlertDelivery(
  status: NotebookJobStatus | undefined,
  delivery: AlertDelivery,
): NotebookJobStatus {
  const alerts = [...(status?.alerts ?? []), delivery].slice(-ALERT_HISTORY_LIMIT);
  return { ...status, alerts };
}
