import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { helm, parseRendered } from './helm.js';

/**
 * A STAND-IN for the Zero-to-JupyterHub (z2jh) chart's hub, enough to load
 * helm/z2jh-values.yaml into a real JupyterHub here:
 *
 * - {@link renderZ2jhHubSecret} merges values files with the real helm over a
 *   subset of z2jh's defaults, and renders the hub Secret as z2jh does: the
 *   merged `values.yaml` and `hub.services.<key>.apiToken` per service
 *   (explicit `apiToken`/`api_token`, else generated);
 * - {@link hubContainer} lays out what the hub container would see: that
 *   Secret as files, `hub.extraEnv` as the environment, and configMap
 *   volumes of `hub.extraVolumes` mounted per `hub.extraVolumeMounts`;
 * - `z2jh-hub-config.py` stands in for the hub image's jupyterhub_config.py.
 *
 * The one liberty: the hub runs as a local process, so each mount lives
 * under a temporary root, and an `extraEnv` value naming a path under a
 * mount is rewritten to it.
 */

/** The stand-in for the hub image's jupyterhub_config.py. */
export const Z2JH_STANDIN_CONFIG = resolve(import.meta.dirname, 'z2jh-hub-config.py');

/**
 * The z2jh 4.x defaults (jupyterhub/values.yaml) of the keys the stand-in
 * reads; what helm merges the given values files over.
 */
export const Z2JH_DEFAULTS = {
  hub: {
    config: { JupyterHub: { admin_access: true, authenticator_class: 'dummy' } },
    baseUrl: '/',
    concurrentSpawnLimit: 64,
    consecutiveFailureLimit: 5,
    allowNamedServers: false,
    extraConfig: {},
    extraEnv: {},
    extraVolumes: [],
    extraVolumeMounts: [],
    loadRoles: {},
    services: {},
    networkPolicy: { enabled: true, ingress: [], egress: [] },
  },
  proxy: { chp: { networkPolicy: { enabled: true, ingress: [], egress: [] } } },
  singleuser: {
    networkTools: { image: { name: 'quay.io/jupyterhub/k8s-network-tools', tag: '4.4.0' } },
    cloudMetadata: { blockWithIptables: true, ip: '169.254.169.254' },
    networkPolicy: { enabled: true, ingress: [], egress: [] },
    events: true,
    extraLabels: { 'hub.jupyter.org/network-access-hub': 'true' },
    extraEnv: {},
    allowPrivilegeEscalation: false,
    uid: 1000,
    fsGid: 100,
    storage: {
      type: 'dynamic',
      extraLabels: {},
      static: { pvcName: null, subPath: '{username}' },
      capacity: '10Gi',
      homeMountPath: '/home/jovyan',
      dynamic: {
        storageClass: null,
        pvcNameTemplate: null,
        volumeNameTemplate: 'volume-{user_server}',
        storageAccessModes: ['ReadWriteOnce'],
        subPath: null,
      },
    },
    image: { name: 'quay.io/jupyterhub/k8s-singleuser-sample', tag: '4.4.0' },
    startTimeout: 300,
    memory: { limit: null, guarantee: '1G' },
    cpu: { limit: null, guarantee: null },
    extraResource: { limits: {}, guarantees: {} },
    cmd: 'jupyterhub-singleuser',
    defaultUrl: null,
    profileList: [],
  },
};

// The hub Secret's data, as z2jh's templates/hub/secret.yaml fills it (written independently).
const SECRET_TEMPLATE = `{{- $values := merge (dict) .Values -}}
{{- $_ := set $values "Chart" (dict "Name" .Chart.Name "Version" .Chart.Version) -}}
{{- $_ := set $values "Release" (dict "Name" .Release.Name "Namespace" .Release.Namespace) -}}
apiVersion: v1
kind: Secret
metadata:
  name: hub
type: Opaque
stringData:
  values.yaml: {{ toYaml $values | quote }}
  {{- range $key, $service := .Values.hub.services }}
  hub.services.{{ $key }}.apiToken: {{ $service.apiToken | default $service.api_token | default (randAlphaNum 64) | quote }}
  {{- end }}
`;

/** z2jh values as the hub sees them after helm's merge (only what the tests read is typed). */
export interface Z2jhValues {
  hub: {
    services: Record<string, { url?: string; [key: string]: unknown }>;
    loadRoles: Record<
      string,
      { scopes?: string[]; users?: string[]; groups?: string[]; services?: string[] }
    >;
    config: Record<string, Record<string, unknown>>;
    extraConfig: Record<string, string>;
    extraEnv: Record<string, string | EnvSource> | Array<{ name: string; value?: string } & EnvSource>;
    extraVolumes: Array<{
      name: string;
      configMap?: { name: string; items?: Array<{ key: string; path: string }> };
    }>;
    extraVolumeMounts: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
    networkPolicy: NetworkPolicyValues;
  };
  proxy: { chp: { networkPolicy: NetworkPolicyValues } };
  singleuser: Record<string, unknown> & { networkPolicy: NetworkPolicyValues };
}

/** `valueFrom` of an env entry; only secretKeyRef to the hub Secret is resolved. */
export interface EnvSource {
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

/** z2jh's per-pod `networkPolicy` block (extra rules only). */
export interface NetworkPolicyValues {
  enabled: boolean;
  egress: Array<{
    to?: Array<{ podSelector?: { matchLabels?: Record<string, string> } }>;
    ports?: Array<{ port: number | string; protocol?: string }>;
  }>;
}

/** The rendered hub Secret of the stand-in. */
export interface RenderedZ2jhHub {
  values: Z2jhValues;
  /** The Secret's keys and values (`values.yaml`, `hub.services.<key>.apiToken`). */
  secret: Record<string, string>;
}

/**
 * `helm template` of the stand-in chart with `valuesFiles` in order (a later
 * file wins, lists are replaced, as in `helm upgrade -f a -f b`).
 */
export async function renderZ2jhHubSecret(
  valuesFiles: string[],
  options: { namespace: string; releaseName?: string },
): Promise<RenderedZ2jhHub> {
  const chart = mkdtempSync(join(tmpdir(), 'z2jh-standin-chart-'));
  try {
    writeFileSync(
      join(chart, 'Chart.yaml'),
      stringify({
        apiVersion: 'v2',
        name: 'jupyterhub',
        description: 'STAND-IN for the z2jh hub Secret (tests/support/z2jh-hub-config.ts)',
        version: '0.0.0-standin',
      }),
    );
    writeFileSync(join(chart, 'values.yaml'), stringify(Z2JH_DEFAULTS));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'templates', 'secret.yaml'), SECRET_TEMPLATE);
    const args = ['template', options.releaseName ?? 'jhub', chart, '--namespace', options.namespace];
    for (const file of valuesFiles) args.push('-f', file);
    const [secret] = parseRendered((await helm(args)).stdout);
    const data = (secret as unknown as { stringData: Record<string, string> }).stringData;
    return { values: parse(data['values.yaml'] ?? '') as Z2jhValues, secret: data };
  } finally {
    rmSync(chart, { recursive: true, force: true });
  }
}

/** What the hub process gets from {@link hubContainer}. */
export interface HubContainer {
  /** The hub's environment: `hub.extraEnv` plus the stand-in's own variables. */
  env: Record<string, string>;
  /** Python for the end of a jupyterhub_config.py: runs the stand-in. */
  extraConfig: string;
  /** Where each mount of `hub.extraVolumeMounts` lives here, by mountPath. */
  mounts: Record<string, string>;
}

/**
 * Lays out the hub container in `dir` for `rendered`: the Secret as files,
 * configMap volumes (read with `readConfigMap`) mounted under `dir/root`,
 * and the environment from `hub.extraEnv` with `POD_NAMESPACE` set as the
 * z2jh Deployment sets it. Other volume kinds and env sources are refused.
 */
export async function hubContainer(
  rendered: RenderedZ2jhHub,
  dir: string,
  namespace: string,
  readConfigMap: (name: string) => Promise<Record<string, string>>,
): Promise<HubContainer> {
  const secretDir = join(dir, 'secret');
  mkdirSync(secretDir, { recursive: true });
  for (const [key, value] of Object.entries(rendered.secret)) writeFileSync(join(secretDir, key), value);

  const hub = rendered.values.hub;
  const mounts: Record<string, string> = {};
  for (const mount of hub.extraVolumeMounts) {
    const volume = hub.extraVolumes.find((v) => v.name === mount.name);
    if (!volume?.configMap)
      throw new Error(`stand-in mounts only configMap volumes; ${mount.name} is not one`);
    const data = await readConfigMap(volume.configMap.name);
    const target = join(dir, 'root', mount.mountPath);
    const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const { key, path } of items) {
      const file = join(target, path);
      if (mount.subPath && path !== mount.subPath) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, data[key] ?? '');
    }
    mounts[mount.mountPath] = mount.subPath ? join(target, mount.subPath) : target;
  }

  const env: Record<string, string> = {};
  const entries = Array.isArray(hub.extraEnv)
    ? hub.extraEnv.map((e) => [e.name, e.value ?? e] as const)
    : Object.entries(hub.extraEnv);
  for (const [name, value] of entries) {
    env[name] = typeof value === 'string' ? relocate(value, mounts) : fromSecret(name, value, rendered);
  }
  return {
    env: {
      ...env,
      POD_NAMESPACE: namespace,
      Z2JH_STANDIN_SECRET_DIR: secretDir,
      Z2JH_STANDIN_CONFIG,
    },
    extraConfig: `
_z2jh_standin = os.environ["Z2JH_STANDIN_CONFIG"]
exec(compile(open(_z2jh_standin).read(), _z2jh_standin, "exec"))
`,
    mounts,
  };
}

/** A path under a mount, moved to where that mount lives here; anything else unchanged. */
function relocate(value: string, mounts: Record<string, string>): string {
  for (const [mountPath, local] of Object.entries(mounts)) {
    const rel = posix.relative(mountPath, value);
    if (posix.isAbsolute(value) && !rel.startsWith('..') && !posix.isAbsolute(rel)) return join(local, rel);
  }
  return value;
}

function fromSecret(name: string, source: unknown, rendered: RenderedZ2jhHub): string {
  const ref = (source as EnvSource).valueFrom?.secretKeyRef;
  const value = ref?.name === 'hub' ? rendered.secret[ref.key] : undefined;
  if (value === undefined) throw new Error(`stand-in cannot resolve hub.extraEnv.${name}`);
  return value;
}
