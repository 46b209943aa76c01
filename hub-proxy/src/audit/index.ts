/** The audit feature. Other folders import this file only. */
export { auditFeature } from './feature.js';
export type { AuditEntry, AuditFilter } from './audit-entry.js';
export type { AuditStore } from './audit-store.js';
