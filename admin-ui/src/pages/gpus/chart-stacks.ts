import type { GpuUsage, WorkloadKind } from '../../api/types';
import { WORKLOAD_KINDS } from '../../api/types';

/** One bar's data: GPUs per workload kind, and the capacity it is drawn against. */
export interface StackRow {
  label: string;
  values: Record<WorkloadKind, number>;
  /** The GPUs there are (types have one; users do not). */
  capacity?: number;
}

/** One colored part of a bar, as fractions of the chart's scale. */
export interface StackSegment {
  kind: WorkloadKind;
  value: number;
  /** Where it starts, 0..1. */
  x: number;
  /** How wide it is, 0..1. */
  width: number;
}

/** A bar: its segments in {@link WORKLOAD_KINDS} order, left to right, without empty ones. */
export interface StackedBar {
  label: string;
  total: number;
  capacity?: number;
  /** The capacity mark, 0..1, when there is a capacity. */
  capacityX?: number;
  segments: StackSegment[];
}

function zero(): Record<WorkloadKind, number> {
  return { server: 0, jobRun: 0, modelReplica: 0, other: 0 };
}

/**
 * The bars of a stacked chart on one common scale: the largest total or
 * capacity (at least 1, so an idle cluster draws empty bars, not NaN).
 */
export function stackBars(rows: readonly StackRow[]): { bars: StackedBar[]; scale: number } {
  const scale = Math.max(
    1,
    ...rows.map((row) =>
      Math.max(
        row.capacity ?? 0,
        WORKLOAD_KINDS.reduce((sum, kind) => sum + row.values[kind], 0),
      ),
    ),
  );
  const bars = rows.map((row) => {
    let offset = 0;
    const segments: StackSegment[] = [];
    for (const kind of WORKLOAD_KINDS) {
      const value = row.values[kind];
      if (value > 0) {
        segments.push({ kind, value, x: offset / scale, width: value / scale });
        offset += value;
      }
    }
    const bar: StackedBar = { label: row.label, total: offset, segments };
    if (row.capacity !== undefined) {
      bar.capacity = row.capacity;
      bar.capacityX = row.capacity / scale;
    }
    return bar;
  });
  return { bars, scale };
}

/** One row per GPU type (product), from the allocations, drawn against the type's capacity. */
export function rowsByType(usage: GpuUsage): StackRow[] {
  const rows = new Map<string, StackRow>();
  for (const type of usage.byType) {
    rows.set(type.product, { label: type.product, values: zero(), capacity: type.capacity });
  }
  for (const allocation of usage.allocations) {
    let row = rows.get(allocation.product);
    if (!row) {
      row = { label: allocation.product, values: zero() };
      rows.set(allocation.product, row);
    }
    row.values[allocation.kind] += allocation.gpus;
  }
  return [...rows.values()];
}

/** One row per user, the biggest user first. */
export function rowsByUser(usage: GpuUsage): StackRow[] {
  return [...usage.byUser]
    .sort((a, b) => b.total - a.total || a.user.localeCompare(b.user))
    .map((user) => ({
      label: user.user,
      values: {
        server: user.server,
        jobRun: user.jobRun,
        modelReplica: user.modelReplica,
        other: user.other,
      },
    }));
}
