import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { renderChart, type RenderedObject } from './helm.js';
import { registerSecret } from './secrets-scan.js';

const run = promisify(execFile);

/**
 * The release name the tests render the chart's RBAC under. With it the
 * chart's names are hub-proxy's config defaults (Lease
 * `turing-hub-proxy-controllers`, ConfigMaps `turing-catalog` and
 * `turing-quotas`), so a hub-proxy started with default names runs as the
 * chart would configure it. One release per namespace; the cluster-scoped
 * objects carry the namespace in their names.
 */
export const RBAC_RELEASE = 'turing';

/** The templates that make hub-proxy's identity and rights. */
export const RBAC_TEMPLATES = [
  'templates/hub-proxy/serviceaccount.yaml',
  'templates/hub-proxy/role.yaml',
  'templates/hub-proxy/rolebinding.yaml',
  'templates/hub-proxy/clusterrole.yaml',
  'templates/hub-proxy/clusterrolebinding.yaml',
] as const;

/** Token lifetime: longer than any integration run. */
const TOKEN_DURATION = '24h';

/** Names of the chart's RBAC objects for the release in `namespace`. */
export interface HubProxyRbacNames {
  namespace: string;
  serviceAccount: string;
  /** The Role and the RoleBinding. */
  role: string;
  /** The ClusterRole and the ClusterRoleBinding. */
  clusterRole: string;
  /** How the API server names the ServiceAccount (`kubectl auth can-i --as=...`). */
  user: string;
}

/** The names {@link renderHubProxyRbac} renders (helm/turing/templates/_helpers.tpl with {@link RBAC_RELEASE}). */
export function hubProxyRbacNames(namespace: string): HubProxyRbacNames {
  const serviceAccount = `${RBAC_RELEASE}-hub-proxy`;
  return {
    namespace,
    serviceAccount,
    role: serviceAccount,
    clusterRole: `${serviceAccount}-${namespace}`,
    user: `system:serviceaccount:${namespace}:${serviceAccount}`,
  };
}

/** Only the chart's RBAC templates, rendered for `namespace` with the default values. */
export function renderHubProxyRbac(namespace: string): Promise<RenderedObject[]> {
  return renderChart({ namespace, releaseName: RBAC_RELEASE, showOnly: [...RBAC_TEMPLATES] });
}

/** `objects` applied server-side into `namespace` with the admin kubeconfig (as `helm install` would create them). */
export async function applyObjects(
  adminKubeconfigPath: string,
  namespace: string,
  objects: readonly RenderedObject[],
  fieldManager = 'turing-chart-tests',
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'turing-rbac-'));
  try {
    const file = join(dir, 'objects.yaml');
    writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    await run('kubectl', [
      '--kubeconfig',
      adminKubeconfigPath,
      '-n',
      namespace,
      'apply',
      '--server-side',
      '--force-conflicts',
      `--field-manager=${fieldManager}`,
      '-f',
      file,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cache = new Map<string, Promise<string>>();

/**
 * A kubeconfig that authenticates as the chart's hub-proxy ServiceAccount in
 * `namespace` (which must exist): renders only the RBAC templates, applies
 * them with the admin kubeconfig, mints a token with the TokenRequest API
 * (`kubectl create token`) and writes a kubeconfig beside the admin one with
 * the same server and CA and the token as its user. Cached per admin
 * kubeconfig and namespace. Tests keep the admin kubeconfig for their own
 * set-up and inspection; hub-proxy gets this one.
 */
export function hubProxyKubeconfig(adminKubeconfigPath: string, namespace: string): Promise<string> {
  const key = `${adminKubeconfigPath}\n${namespace}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = mintKubeconfig(adminKubeconfigPath, namespace);
    // A failure is not cached: the caller may create the namespace and try again.
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function mintKubeconfig(adminKubeconfigPath: string, namespace: string): Promise<string> {
  const names = hubProxyRbacNames(namespace);
  await applyObjects(adminKubeconfigPath, namespace, await renderHubProxyRbac(namespace));
  const { stdout } = await run('kubectl', [
    '--kubeconfig',
    adminKubeconfigPath,
    '-n',
    namespace,
    'create',
    'token',
    names.serviceAccount,
    `--duration=${TOKEN_DURATION}`,
  ]);
  const token = stdout.trim();
  if (!token) throw new Error(`kubectl create token ${names.serviceAccount} printed no token`);
  registerSecret('service-account-token', token);
  const path = join(dirname(adminKubeconfigPath), `hub-proxy-${namespace}.kubeconfig`);
  writeFileSync(path, stringify(tokenKubeconfig(adminKubeconfigPath, names.user, token)), { mode: 0o600 });
  return path;
}

interface KubeconfigFile {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  'current-context': string;
}

/** The admin kubeconfig's current cluster (server and CA), with `token` as the only user. */
function tokenKubeconfig(adminKubeconfigPath: string, user: string, token: string): object {
  const admin = parse(readFileSync(adminKubeconfigPath, 'utf8')) as KubeconfigFile;
  const context = admin.contexts.find((c) => c.name === admin['current-context'])?.context;
  const cluster = admin.clusters.find((c) => c.name === context?.cluster);
  if (!cluster) throw new Error(`${adminKubeconfigPath} has no current cluster`);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'hub-proxy', context: { cluster: cluster.name, user } }],
    'current-context': 'hub-proxy',
  };
}

/** One verb on one resource that a rule of the Role or the ClusterRole grants. */
export interface Grant {
  scope: 'Role' | 'ClusterRole';
  /** `""` for the core group. */
  apiGroup: string;
  /** With its subresource, as RBAC spells it: `notebookjobs/status`. */
  resource: string;
  verb: string;
}

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** `notebookjobs.turing.dev [get]`, `pods [list]`: how tests and docs name a grant. */
export function grantLabel(grant: Grant): string {
  return `${grant.resource}${grant.apiGroup ? `.${grant.apiGroup}` : ''} [${grant.verb}]`;
}

function rulesOf(role: RenderedObject): PolicyRule[] {
  return (role.rules as PolicyRule[] | undefined) ?? [];
}

/** Every (group, resource, verb) the rendered Role or ClusterRole grants, in rule order. */
export function grantsOf(role: RenderedObject): Grant[] {
  const scope = role.kind as Grant['scope'];
  return rulesOf(role).flatMap((rule) =>
    rule.apiGroups.flatMap((apiGroup) =>
      rule.resources.flatMap((resource) => rule.verbs.map((verb) => ({ scope, apiGroup, resource, verb }))),
    ),
  );
}

/** The resourceNames of the rule that grants `grant`, if it is limited to names. */
export function resourceNamesOf(role: RenderedObject, grant: Grant): string[] | undefined {
  return rulesOf(role).find(
    (r) =>
      r.apiGroups.includes(grant.apiGroup) &&
      r.resources.includes(grant.resource) &&
      r.verbs.includes(grant.verb),
  )?.resourceNames;
}

/** `role` with `grant`'s verb taken out of its rule (a rule left with no verb is dropped). */
export function withoutGrant(role: RenderedObject, grant: Grant): RenderedObject {
  const rules = rulesOf(role)
    .map((rule) => {
      const matches = rule.apiGroups.includes(grant.apiGroup) && rule.resources.includes(grant.resource);
      if (!matches || rule.apiGroups.length !== 1 || rule.resources.length !== 1) {
        if (matches) throw new Error(`rule ${JSON.stringify(rule)} shares ${grantLabel(grant)} with others`);
        return rule;
      }
      return { ...rule, verbs: rule.verbs.filter((v) => v !== grant.verb) };
    })
    .filter((rule) => rule.verbs.length > 0);
  return { ...role, rules };
}
