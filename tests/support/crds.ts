import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The chart's CRDs, applied as `helm install` would before the templates. */
export const CRD_DIR = join(import.meta.dirname, '..', '..', 'helm', 'turing', 'crds');

/**
 * Applies every CRD of the chart with server-side apply and waits until the
 * API server serves them (condition Established). Idempotent.
 */
export async function installCrds(kubeconfigPath: string): Promise<string[]> {
  const files = readdirSync(CRD_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(CRD_DIR, f));
  if (files.length === 0) return [];
  const args = ['--kubeconfig', kubeconfigPath];
  const applied = await run('kubectl', [
    ...args,
    'apply',
    '--server-side',
    '--field-manager=turing-tests',
    '-o',
    'name',
    ...files.flatMap((f) => ['-f', f]),
  ]);
  const names = applied.stdout.trim().split('\n').filter(Boolean);
  await run('kubectl', [...args, 'wait', '--for=condition=Established', '--timeout=60s', ...names]);
  return names;
}
