import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../tests/support/child-process.js';
import type { Replica } from './scale-replicas.js';

/** One line of a heap snapshot summary: what kind of object, how many, how many bytes. */
export interface HeapEntry {
  type: string;
  name: string;
  count: number;
  selfMb: number;
}

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Takes a heap snapshot of `replica` (started with `--heapsnapshot-signal=SIGUSR2`
 * and `--diagnostic-dir=<dir>`) and sums the self size of its objects by type
 * and constructor name, biggest first. The snapshot file is removed after.
 */
export async function heapSummary(replica: Replica, dir: string, top = 15): Promise<HeapEntry[]> {
  const before = new Set(readdirSync(dir));
  replica.process.child.kill('SIGUSR2');
  let file = '';
  let lastSize = -1;
  await waitUntil(
    'heap snapshot written',
    async () => {
      file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)) ?? '';
      if (!file) return false;
      // Written in one go by the process; done when it stops growing and parses.
      const size = statSync(join(dir, file)).size;
      const done = size === lastSize && size > 0;
      lastSize = size;
      return done;
    },
    { timeoutMs: 300_000, intervalMs: 2_000 },
  );
  const path = join(dir, file);
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotFile;
  rmSync(path, { force: true });
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const sums = new Map<string, HeapEntry>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt] as number] ?? '?';
    // Strings are named by their content: group them as one entry.
    const name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? '(strings)'
        : (snapshot.strings[snapshot.nodes[i + nameAt] as number] ?? '?');
    const key = `${type}\u0000${name}`;
    let entry = sums.get(key);
    if (!entry) sums.set(key, (entry = { type, name, count: 0, selfMb: 0 }));
    entry.count++;
    entry.selfMb += (snapshot.nodes[i + sizeAt] as number) / 2 ** 20;
  }
  return [...sums.values()]
    .sort((a, b) => b.selfMb - a.selfMb)
    .slice(0, top)
    .map((e) => ({ ...e, selfMb: Number(e.selfMb.toFixed(1)) }));
}
