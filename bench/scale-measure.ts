import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { KubeClients } from '../hub-proxy/src/k8s/index.js';
import type { Replica } from './scale-replicas.js';
import { metricSamples } from './prometheus-text.js';
import { summarize, type Summary } from './stats.js';

const run = promisify(execFile);

/** One timed GET; throws unless it answers 200. Returns milliseconds and the parsed body. */
async function timedGet(url: string, token: string): Promise<{ ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { Authorization: `token ${token}` } });
  const body = (await res.json()) as unknown;
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return { ms, body };
}

/** Latency of one user's `GET /api/v1/jobs`, and its same-run baseline. */
export interface UserListFigures {
  list: Summary;
  /** `GET /api/v1/me`: the same authentication, no work; interleaved with the lists. */
  baselineMe: Summary;
  /** A GET of one ConfigMap from the apiserver, admin client: what one apiserver read costs. */
  baselineApiserverGet: Summary;
  /** Jobs per answer (should be about jobs/users). */
  jobsPerList: number;
}

/**
 * `samples` sequential lists, each by the next of `tokens` (different users),
 * each followed by the two baselines so all three see the same noise.
 */
export async function measureUserLists(
  replica: Replica,
  tokens: string[],
  samples: number,
  clients: KubeClients,
  configMap: { name: string; namespace: string },
): Promise<UserListFigures> {
  const list: number[] = [];
  const me: number[] = [];
  const apiserver: number[] = [];
  let jobs = 0;
  // Warm-up: the identity cache and connection, once per user, unmeasured.
  for (const token of tokens) await timedGet(`${replica.url}/api/v1/jobs`, token);
  for (let i = 0; i < samples; i++) {
    const token = tokens[i % tokens.length] as string;
    const answer = await timedGet(`${replica.url}/api/v1/jobs`, token);
    list.push(answer.ms);
    jobs += jobCount(answer.body);
    me.push((await timedGet(`${replica.url}/api/v1/me`, token)).ms);
    const t0 = performance.now();
    await clients.core.readNamespacedConfigMap(configMap);
    apiserver.push(performance.now() - t0);
  }
  return {
    list: summarize(list),
    baselineMe: summarize(me),
    baselineApiserverGet: summarize(apiserver),
    jobsPerList: jobs / samples,
  };
}

function jobCount(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  const items =
    (body as { items?: unknown[]; jobs?: unknown[] }).items ?? (body as { jobs?: unknown[] }).jobs;
  return Array.isArray(items) ? items.length : 0;
}

/** The admin listing: one page of `pageSize`, and walking every page. */
export interface AdminListFigures {
  pageSize: number;
  /** One `GET /api/v1/admin/jobs?limit=<pageSize>` (first page), repeated. */
  page: Summary;
  /** Following `next` from the first page to the last, repeated. */
  walkAll: Summary;
  pagesPerWalk: number;
  jobsPerWalk: number;
}

/** `rounds` first pages and `walks` full walks of the admin job listing. */
export async function measureAdminLists(
  replica: Replica,
  adminToken: string,
  pageSize: number,
  rounds: number,
  walks: number,
): Promise<AdminListFigures> {
  const base = `${replica.url}/api/v1/admin/jobs?limit=${pageSize}`;
  const page: number[] = [];
  for (let i = 0; i < rounds; i++) page.push((await timedGet(base, adminToken)).ms);
  const walk: number[] = [];
  let pages = 0;
  let jobs = 0;
  for (let w = 0; w < walks; w++) {
    const t0 = performance.now();
    pages = 0;
    jobs = 0;
    let next: string | undefined;
    do {
      const url = next ? `${base}&cursor=${encodeURIComponent(next)}` : base;
      const { body } = await timedGet(url, adminToken);
      pages++;
      jobs += jobCount(body);
      next = (body as { next?: string }).next;
    } while (next);
    walk.push(performance.now() - t0);
  }
  return {
    pageSize,
    page: summarize(page),
    walkAll: summarize(walk),
    pagesPerWalk: pages,
    jobsPerWalk: jobs,
  };
}

/** The apiserver's `apiserver_request_total` for reads (GET, LIST), per resource of `resources`. */
export async function apiserverReads(
  kubeconfigPath: string,
  resources: readonly string[],
): Promise<Record<string, number>> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfigPath, 'get', '--raw', '/metrics'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const reads: Record<string, number> = Object.fromEntries(resources.map((r) => [r, 0]));
  for (const sample of metricSamples(stdout, 'apiserver_request_total')) {
    const { verb = '', resource = '' } = sample.labels;
    if ((verb === 'GET' || verb === 'LIST') && resource in reads)
      reads[resource] = (reads[resource] ?? 0) + sample.value;
  }
  return reads;
}

/** What a list could read; Secrets are counted apart (the leader's periodic re-apply reads them all). */
const LIST_RESOURCES = ['notebookjobs', 'jobs', 'cronjobs', 'pods'] as const;

/**
 * Apiserver reads per `GET /api/v1/jobs`, over `count` lists served by
 * `replica` (the follower: it runs no controller): the difference of the
 * apiserver's own counters per resource, divided by `count`. The counters are
 * every client's, so `perList` sums only the resources a list could read
 * (0 when the lists are served from the caches), and `secretsPerList` shows
 * the leader's background reads of runner Secrets in the same window.
 */
export async function apiserverRequestsPerList(
  kubeconfigPath: string,
  replica: Replica,
  tokens: string[],
  count: number,
): Promise<{ perList: number; secretsPerList: number; byResource: Record<string, number> }> {
  const resources = [...LIST_RESOURCES, 'secrets'];
  const before = await apiserverReads(kubeconfigPath, resources);
  for (let i = 0; i < count; i++) {
    await timedGet(`${replica.url}/api/v1/jobs`, tokens[i % tokens.length] as string);
  }
  const after = await apiserverReads(kubeconfigPath, resources);
  const byResource = Object.fromEntries(resources.map((r) => [r, (after[r] ?? 0) - (before[r] ?? 0)]));
  const listReads = LIST_RESOURCES.reduce((sum, r) => sum + (byResource[r] ?? 0), 0);
  return { perList: listReads / count, secretsPerList: (byResource.secrets ?? 0) / count, byResource };
}
