/** The units artifact storage is edited in. */
export const STORAGE_UNITS = ['GiB', 'MiB'] as const;

/** One storage unit. */
export type StorageUnit = (typeof STORAGE_UNITS)[number];

const BYTES: Record<StorageUnit, number> = { GiB: 1024 ** 3, MiB: 1024 ** 2 };

/** A byte count as the form shows it. */
export interface StorageAmount {
  value: string;
  unit: StorageUnit;
}

/**
 * How to show a byte count: whole GiB when it is one, else MiB (with up to
 * three decimals for a count that is not whole MiB).
 */
export function storageAmount(bytes: number): StorageAmount {
  if (bytes % BYTES.GiB === 0) {
    return { value: String(bytes / BYTES.GiB), unit: 'GiB' };
  }
  const mib = bytes / BYTES.MiB;
  return { value: Number.isInteger(mib) ? String(mib) : String(Number(mib.toFixed(3))), unit: 'MiB' };
}

/** The bytes of a typed amount (rounded to a whole byte); `null` when it is not a number ≥ 0. */
export function storageBytes(value: string, unit: StorageUnit): number | null {
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) {
    return null;
  }
  return Math.round(Number(text) * BYTES[unit]);
}

/** A typed count as a whole number ≥ 0; `null` when it is not one. */
export function wholeCount(value: string): number | null {
  const text = value.trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** A byte count for reading ("1.5 GiB", "200 MiB", "512 B"). */
export function formatBytes(bytes: number): string {
  if (bytes >= BYTES.GiB) {
    return `${Number((bytes / BYTES.GiB).toFixed(2))} GiB`;
  }
  if (bytes >= BYTES.MiB) {
    return `${Number((bytes / BYTES.MiB).toFixed(1))} MiB`;
  }
  if (bytes >= 1024) {
    return `${Number((bytes / 1024).toFixed(1))} KiB`;
  }
  return `${bytes} B`;
}
