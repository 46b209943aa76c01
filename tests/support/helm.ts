import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { kubernetesBinDir } from './control-plane.js';

const run = promisify(execFile);

/** The Turing chart's directory. */
export const CHART_DIR = resolve(import.meta.dirname, '..', '..', 'helm', 'turing');

/** The Go-built helm that scripts/bootstrap.sh caches beside kube-apiserver. */
export function helmBinary(): string {
  return join(kubernetesBinDir(), 'helm');
}

/** One rendered Kubernetes object. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * The Kubernetes version offline commands (`template`, `lint`) assume. helm
 * built from Go modules lacks the release ldflags that set its default, so it
 * would assume 1.20 and refuse the chart's `kubeVersion`; this is the version
 * the test control plane runs (scripts/k8s-binaries.sh).
 */
export const KUBE_VERSION = 'v1.36.3';

const OFFLINE_COMMANDS = new Set(['template', 'lint']);

/** What {@link helm} ran and printed. */
export interface HelmResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs helm with a private cache/config home (no repositories, nothing
 * downloaded). Rejects with helm's stderr in the message when it exits non-zero.
 */
export async function helm(args: string[], options: { kubeconfigPath?: string } = {}): Promise<HelmResult> {
  const home = mkdtempSync(join(tmpdir(), 'turing-helm-'));
  try {
    const env = {
      ...process.env,
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_DATA_HOME: join(home, 'data'),
      ...(options.kubeconfigPath ? { KUBECONFIG: options.kubeconfigPath } : {}),
    };
    const offline = OFFLINE_COMMANDS.has(args[0] ?? '') && !args.includes('--kube-version');
    const fullArgs = offline ? [...args, '--kube-version', KUBE_VERSION] : args;
    const { stdout, stderr } = await run(helmBinary(), fullArgs, { env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`helm ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Options of {@link renderChart}. */
export interface RenderOptions {
  /** Values merged over values.yaml, as a `-f` file. */
  values?: Record<string, unknown>;
  namespace?: string;
  releaseName?: string;
  /** Only these templates (`--show-only`), e.g. `templates/hub-proxy/role.yaml`. */
  showOnly?: string[];
  /** Include the chart's CRDs (`--include-crds`). */
  includeCrds?: boolean;
}

/** `helm template` of the chart: every rendered object, in order. */
export async function renderChart(options: RenderOptions = {}): Promise<RenderedObject[]> {
  const dir = mkdtempSync(join(tmpdir(), 'turing-values-'));
  try {
    const args = ['template', options.releaseName ?? 'turing', CHART_DIR];
    args.push('--namespace', options.namespace ?? 'jhub');
    if (options.values) {
      const file = join(dir, 'values.yaml');
      writeFileSync(file, stringify(options.values));
      args.push('-f', file);
    }
    for (const t of options.showOnly ?? []) args.push('--show-only', t);
    if (options.includeCrds) args.push('--include-crds');
    const { stdout } = await helm(args);
    return parseRendered(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits helm's multi-document output into objects, skipping empty documents. */
export function parseRendered(text: string): RenderedObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as RenderedObject | null;
    })
    .filter((o): o is RenderedObject => o !== null && typeof o === 'object' && 'kind' in o);
}
