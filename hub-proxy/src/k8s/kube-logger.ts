/**
 * The logging hub-proxy's k8s layer needs; a pino logger fits as is. Kept as an
 * interface so this layer does not depend on the observability module.
 */
export interface KubeLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Discards everything; the default when no logger is passed. */
export const silentKubeLogger: KubeLogger = {
  info: () => undefined,
  warn: () => undefined,
};
