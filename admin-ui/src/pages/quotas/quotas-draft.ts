import type { QuotaKey, QuotaLimits, QuotasDocument } from '../../api/types';
import { QUOTA_KEYS } from '../../api/types';
import type { StorageUnit } from './quota-units';
import { storageAmount, storageBytes, wholeCount } from './quota-units';

/** The limits of one row as typed; `''` is "not set" (inherited) on group and user rows. */
export interface LimitsDraft {
  gpus: string;
  concurrentRuns: string;
  scheduledJobs: string;
  modelReplicas: string;
  artifactBytes: string;
  artifactUnit: StorageUnit;
}

/** A group or user row. */
export interface QuotaRowDraft {
  /** A stable React key (names can be edited). */
  key: string;
  name: string;
  limits: LimitsDraft;
}

/** The quotas form. */
export interface QuotasDraft {
  defaults: LimitsDraft;
  groups: QuotaRowDraft[];
  users: QuotaRowDraft[];
}

/** A row section of the form. */
export type QuotaSection = 'groups' | 'users';

let nextKey = 0;

/** A fresh row key. */
export function rowKey(): string {
  nextKey += 1;
  return `row-${nextKey}`;
}

function limitsDraft(limits: Partial<QuotaLimits>): LimitsDraft {
  const storage =
    limits.artifactBytes === undefined
      ? { value: '', unit: 'GiB' as const }
      : storageAmount(limits.artifactBytes);
  const text = (key: QuotaKey): string => (limits[key] === undefined ? '' : String(limits[key]));
  return {
    gpus: text('gpus'),
    concurrentRuns: text('concurrentRuns'),
    scheduledJobs: text('scheduledJobs'),
    modelReplicas: text('modelReplicas'),
    artifactBytes: storage.value,
    artifactUnit: storage.unit,
  };
}

/** An empty row: every limit inherited. */
export function emptyRow(): QuotaRowDraft {
  return { key: rowKey(), name: '', limits: limitsDraft({}) };
}

/** The form of a quotas document (rows sorted by name). */
export function draftFromQuotas(document: QuotasDocument): QuotasDraft {
  const rows = (entries: Record<string, Partial<QuotaLimits>>): QuotaRowDraft[] =>
    Object.keys(entries)
      .sort()
      .map((name) => ({ key: rowKey(), name, limits: limitsDraft(entries[name] ?? {}) }));
  return {
    defaults: limitsDraft(document.defaults),
    groups: rows(document.groups),
    users: rows(document.users),
  };
}

/** The field key of a limit: `defaults.gpus`, `groups.ml.gpus` (the server's paths). */
export function limitField(section: 'defaults' | QuotaSection, name: string, key: QuotaKey): string {
  return section === 'defaults' ? `defaults.${key}` : `${section}.${name}.${key}`;
}

/** The field key of a row's name (by row key: the name itself may be what is wrong). */
export function nameField(section: QuotaSection, key: string): string {
  return `${section}#${key}.name`;
}

/** What {@link quotasFromDraft} makes. */
export type QuotasResult =
  | { ok: true; document: QuotasDocument }
  | { ok: false; errors: Record<string, string[]> };

/**
 * The document of a form, or the fields that cannot be read: every default
 * must be a whole number ≥ 0 (storage a number of GiB or MiB); a row's
 * empty limits are left out (inherited); names must be set and unique.
 */
export function quotasFromDraft(draft: QuotasDraft): QuotasResult {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string): void => {
    (errors[field] ??= []).push(message);
  };

  const read = (
    limits: LimitsDraft,
    required: boolean,
    fieldOf: (key: QuotaKey) => string,
  ): Partial<QuotaLimits> => {
    const result: Partial<QuotaLimits> = {};
    for (const key of QUOTA_KEYS) {
      const text = limits[key];
      if (text.trim() === '') {
        if (required) {
          add(fieldOf(key), 'is required');
        }
        continue;
      }
      const value = key === 'artifactBytes' ? storageBytes(text, limits.artifactUnit) : wholeCount(text);
      if (value === null) {
        add(fieldOf(key), key === 'artifactBytes' ? 'must be a number ≥ 0' : 'must be a whole number ≥ 0');
      } else {
        result[key] = value;
      }
    }
    return result;
  };

  const defaults = read(draft.defaults, true, (key) => limitField('defaults', '', key)) as QuotaLimits;
  const sections: Record<QuotaSection, Record<string, Partial<QuotaLimits>>> = { groups: {}, users: {} };
  for (const section of ['groups', 'users'] as const) {
    for (const row of draft[section]) {
      const name = row.name.trim();
      if (!name) {
        add(nameField(section, row.key), 'is required');
        continue;
      }
      if (name in sections[section]) {
        add(nameField(section, row.key), `"${name}" is listed twice`);
        continue;
      }
      sections[section][name] = read(row.limits, false, (key) => limitField(section, name, key));
    }
  }
  if (Object.keys(errors).length) {
    return { ok: false, errors };
  }
  return { ok: true, document: { defaults, groups: sections.groups, users: sections.users } };
}

/** The form field of a server error path (`body.groups.ml.gpus` -> `groups.ml.gpus`). */
export function quotaErrorField(path: string): string {
  return path.replace(/^body\./, '').replace(/\[["']?([^\]"']*)["']?\]/g, '.$1');
}
