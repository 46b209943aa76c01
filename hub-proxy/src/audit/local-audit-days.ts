import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStoredEntry, type AuditEntry } from './audit-entry.js';
import type { AuditDays } from './audit-store.js';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * The local runtime's audit days: one JSON-lines file per UTC day in `dir`
 * (`2026-12-01.jsonl`), appended with O_APPEND in one write per batch, so
 * lines from concurrent writers never interleave.
 */
export class LocalAuditDays implements AuditDays {
  constructor(private readonly dir: string) {}

  async days(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.flatMap((name) => DAY_FILE.exec(name)?.[1] ?? []);
  }

  async read(day: string): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file(day), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text.split('\n').flatMap((line) => parseStoredEntry(line));
  }

  async append(day: string, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const lines = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    await appendFile(this.file(day), lines, { flag: 'a', mode: 0o600 });
  }

  async delete(day: string): Promise<void> {
    await rm(this.file(day), { force: true });
  }

  private file(day: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
    return join(this.dir, `${day}.jsonl`);
  }
}
