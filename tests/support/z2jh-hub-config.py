"""STAND-IN for the Zero-to-JupyterHub hub image's jupyterhub_config.py (and z2jh.py).

NOT the z2jh file: a test double written for Turing's tests, so that
helm/z2jh-values.yaml can be loaded in a real JupyterHub + KubeSpawner on a
machine without the z2jh chart or its hub image. It reads the chart's merged
values the way z2jh 4.x's jupyterhub_config.py does, for the keys Turing's
values and the tests use, and maps them onto the same traits in the same
order:

1. `c.JupyterHub.spawner_class` = KubeSpawner; `c.JupyterHub.cleanup_servers`
   = False; `c.KubeSpawner.namespace` from `POD_NAMESPACE`.
2. `hub.*` JupyterHub traits (baseUrl, allowNamedServers,
   namedServerLimitPerUser, concurrentSpawnLimit, activeServerLimit, ...).
3. `singleuser.*` KubeSpawner traits (uid, fsGid, extraEnv -> environment,
   extraLabels, startTimeout, memory/cpu, extraResource, nodeSelector,
   profileList, extraPodConfig, image, allowPrivilegeEscalation, ...).
4. `singleuser.cloudMetadata.blockWithIptables`: the privileged
   `block-cloud-metadata` init container, as z2jh adds it.
5. `singleuser.storage`: `dynamic` (PVC per pvcNameTemplate, created by
   KubeSpawner, mounted at homeMountPath) or `static`, plus
   storage.extraVolumes / extraVolumeMounts.
6. `c.JupyterHub.services` from `hub.services` (a map; the key is the name;
   `api_token` from the Secret key `hub.services.<key>.apiToken`) and
   `c.JupyterHub.load_roles` from `hub.loadRoles` (a map; the key is the name).
7. `singleuser.cmd` and `singleuser.defaultUrl`.
8. `hub.config`: passed through as `c[Section].update(...)`, secrets popped,
   a lower-case section is fatal.
9. `hub.extraConfig`: each entry exec'd in this file's globals, sorted by key.

Not mimicked (a pod's environment, or not used by Turing): the proxy pod
connection (`ConfigurableHTTPProxy.api_url`, `should_start`), hub_bind_url /
hub_connect_url, hub.db, the cookie secret and CryptKeeper keys, the idle
culler service, image pull secrets, scheduling (user-scheduler, node purpose
affinity, priority), singleuser.extraFiles, common labels. The test's
JupyterHub fixture (tests/support/jupyterhub.ts) sets ports, database,
authenticator defaults and the proxy before this file runs.

Where z2jh reads /usr/local/etc/jupyterhub/secret/ (the `hub` Secret: the
merged `values.yaml` and the `hub.services.*.apiToken` keys), this reads the
directory named by `Z2JH_STANDIN_SECRET_DIR`, written by
tests/support/z2jh-hub-config.ts from a `helm template` render.

Load it at the end of a jupyterhub_config.py, in that file's globals:

    exec(compile(open(path).read(), path, "exec"))
"""

import os
import re
import sys

import yaml

c = get_config()  # noqa: F821

_z2jh_secret_dir = os.environ["Z2JH_STANDIN_SECRET_DIR"]
with open(os.path.join(_z2jh_secret_dir, "values.yaml")) as _z2jh_f:
    _z2jh_values = yaml.safe_load(_z2jh_f) or {}


def _z2jh_get(key, default=None):
    """The value at dotted `key` of the merged values, or `default`."""
    value = _z2jh_values
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return default
        value = value[part]
    return value


def _z2jh_set_if_not_none(section, trait, key):
    value = _z2jh_get(key)
    if value is not None:
        setattr(section, trait, value)


def _z2jh_secret(key):
    with open(os.path.join(_z2jh_secret_dir, key)) as f:
        return f.read()


def _z2jh_camel(name):
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


# 1. The spawner and its namespace.
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.JupyterHub.cleanup_servers = False
c.KubeSpawner.namespace = os.environ.get("POD_NAMESPACE", "default")

# 2. JupyterHub traits under hub.<camelCase>.
for _trait in (
    "concurrent_spawn_limit",
    "active_server_limit",
    "base_url",
    "allow_named_servers",
    "named_server_limit_per_user",
    "authenticate_prometheus",
    "redirect_to_server",
    "shutdown_on_logout",
    "template_paths",
    "template_vars",
):
    _z2jh_set_if_not_none(c.JupyterHub, _trait, "hub." + _z2jh_camel(_trait))
_z2jh_set_if_not_none(c.Spawner, "consecutive_failure_limit", "hub.consecutiveFailureLimit")

# 3. KubeSpawner traits under singleuser.<key>.
for _trait, _key in (
    ("pod_name_template", None),
    ("start_timeout", None),
    ("image_pull_policy", "image.pullPolicy"),
    ("events_enabled", "events"),
    ("extra_labels", None),
    ("extra_annotations", None),
    ("uid", None),
    ("fs_gid", None),
    ("service_account", "serviceAccountName"),
    ("storage_extra_labels", "storage.extraLabels"),
    ("node_selector", None),
    ("lifecycle_hooks", None),
    ("init_containers", None),
    ("extra_containers", None),
    ("mem_limit", "memory.limit"),
    ("mem_guarantee", "memory.guarantee"),
    ("cpu_limit", "cpu.limit"),
    ("cpu_guarantee", "cpu.guarantee"),
    ("extra_resource_limits", "extraResource.limits"),
    ("extra_resource_guarantees", "extraResource.guarantees"),
    ("environment", "extraEnv"),
    ("profile_list", None),
    ("extra_pod_config", None),
):
    _z2jh_set_if_not_none(c.KubeSpawner, _trait, "singleuser." + (_key or _z2jh_camel(_trait)))

_z2jh_image = _z2jh_get("singleuser.image.name")
if _z2jh_image:
    _z2jh_tag = _z2jh_get("singleuser.image.tag")
    c.KubeSpawner.image = f"{_z2jh_image}:{_z2jh_tag}" if _z2jh_tag else _z2jh_image
# Set even when null: null, false and true all mean something to KubeSpawner.
c.KubeSpawner.allow_privilege_escalation = _z2jh_get("singleuser.allowPrivilegeEscalation")

_z2jh_tolerations = _z2jh_get("scheduling.userPods.tolerations", []) + _z2jh_get(
    "singleuser.extraTolerations", []
)
if _z2jh_tolerations:
    c.KubeSpawner.tolerations = _z2jh_tolerations

# 4. The cloud metadata block: a privileged init container with iptables.
_z2jh_metadata = _z2jh_get("singleuser.cloudMetadata", {}) or {}
if _z2jh_metadata.get("blockWithIptables") is True:
    _z2jh_tools = _z2jh_get("singleuser.networkTools.image", {}) or {}
    c.KubeSpawner.init_containers.append(
        {
            "name": "block-cloud-metadata",
            "image": f"{_z2jh_tools.get('name')}:{_z2jh_tools.get('tag')}",
            "command": ["iptables", "--append", "OUTPUT", "--protocol", "tcp",
                        "--destination", _z2jh_metadata["ip"], "--destination-port", "80",
                        "--jump", "DROP"],
            "securityContext": {"privileged": True, "runAsUser": 0,
                                "capabilities": {"add": ["NET_ADMIN"]}},
        }
    )

# 5. Home storage.
_z2jh_volumes = {}
_z2jh_mounts = {}
_z2jh_storage_type = _z2jh_get("singleuser.storage.type")
if _z2jh_storage_type == "dynamic":
    _z2jh_set_if_not_none(c.KubeSpawner, "pvc_name_template", "singleuser.storage.dynamic.pvcNameTemplate")
    _z2jh_volume_name = _z2jh_get("singleuser.storage.dynamic.volumeNameTemplate")
    c.KubeSpawner.storage_pvc_ensure = True
    _z2jh_set_if_not_none(c.KubeSpawner, "storage_class", "singleuser.storage.dynamic.storageClass")
    _z2jh_set_if_not_none(
        c.KubeSpawner, "storage_access_modes", "singleuser.storage.dynamic.storageAccessModes"
    )
    _z2jh_set_if_not_none(c.KubeSpawner, "storage_capacity", "singleuser.storage.capacity")
    _z2jh_volumes[_z2jh_volume_name] = {
        "name": _z2jh_volume_name,
        "persistentVolumeClaim": {"claimName": "{pvc_name}"},
    }
    _z2jh_mounts[_z2jh_volume_name] = {
        "name": _z2jh_volume_name,
        "mountPath": _z2jh_get("singleuser.storage.homeMountPath"),
        "subPath": _z2jh_get("singleuser.storage.dynamic.subPath"),
    }
elif _z2jh_storage_type == "static":
    _z2jh_volumes["home"] = {
        "name": "home",
        "persistentVolumeClaim": {"claimName": _z2jh_get("singleuser.storage.static.pvcName")},
    }
    _z2jh_mounts["home"] = {
        "name": "home",
        "mountPath": _z2jh_get("singleuser.storage.homeMountPath"),
        "subPath": _z2jh_get("singleuser.storage.static.subPath"),
    }
_z2jh_extra_volumes = _z2jh_get("singleuser.storage.extraVolumes") or {}
if isinstance(_z2jh_extra_volumes, dict):
    _z2jh_volumes.update(_z2jh_extra_volumes)
else:
    _z2jh_volumes.update({v["name"]: v for v in _z2jh_extra_volumes})
_z2jh_extra_mounts = _z2jh_get("singleuser.storage.extraVolumeMounts") or {}
if isinstance(_z2jh_extra_mounts, dict):
    _z2jh_mounts.update(_z2jh_extra_mounts)
else:
    _z2jh_mounts.update({f"{i}-{m['name']}": m for i, m in enumerate(_z2jh_extra_mounts)})
c.KubeSpawner.volumes = _z2jh_volumes
c.KubeSpawner.volume_mounts = _z2jh_mounts

# 6. Services (api_token from the Secret) and roles.
c.JupyterHub.services = []
c.JupyterHub.load_roles = []
for _key, _service in (_z2jh_get("hub.services", {}) or {}).items():
    _service = dict(_service)
    _service.setdefault("name", _key)
    _service.pop("apiToken", None)
    _service["api_token"] = _z2jh_secret(f"hub.services.{_key}.apiToken")
    c.JupyterHub.services.append(_service)
for _key, _role in (_z2jh_get("hub.loadRoles", {}) or {}).items():
    _role = dict(_role)
    _role.setdefault("name", _key)
    c.JupyterHub.load_roles.append(_role)

# 7. The server command and landing page.
if "cmd" in (_z2jh_get("singleuser", {}) or {}):
    c.Spawner.cmd = _z2jh_get("singleuser.cmd")
_z2jh_set_if_not_none(c.Spawner, "default_url", "singleuser.defaultUrl")

# 8. hub.config passed through, minus the values z2jh keeps in its Secret.
for _section, _cfg in (_z2jh_get("hub.config", {}) or {}).items():
    _cfg = dict(_cfg or {})
    if _section == "JupyterHub":
        for _secret_key in ("proxy_auth_token", "cookie_secret", "services"):
            _cfg.pop(_secret_key, None)
    elif _section == "ConfigurableHTTPProxy":
        _cfg.pop("auth_token", None)
    elif _section == "CryptKeeper":
        _cfg.pop("keys", None)
    if not _section[:1].isupper():
        print(f"FATAL: Invalid hub.config section name: {_section}.", file=sys.stderr)
        sys.exit(1)
    print(f"Loading pass-through config section hub.config.{_section}")
    c[_section].update(_cfg)

# 9. hub.extraConfig, sorted by key.
for _key, _config_py in sorted((_z2jh_get("hub.extraConfig", {}) or {}).items()):
    print(f"Loading extra config: {_key}")
    exec(compile(_config_py, f"hub.extraConfig.{_key}", "exec"))
