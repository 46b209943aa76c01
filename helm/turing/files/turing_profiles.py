"""Turing: KubeSpawner's profile_list, fetched from hub-proxy.

A jupyterhub_config.py snippet (Zero-to-JupyterHub: one `hub.extraConfig`
entry; the Turing chart embeds this file). It sets
`c.KubeSpawner.profile_list` to an async callable, so the spawn form and the
options a server starts with always come from the environment catalog that
hub-proxy serves at `GET {TURING_URL}/api/v1/environments/profiles`.

Environment variables of the hub process (all optional):

TURING_URL
    hub-proxy's base URL including its service prefix, as the hub reaches it,
    e.g. `http://turing-hub-proxy:8000/services/turing`. Default: the `url` of
    the `turing` service in `c.JupyterHub.services`, followed by the hub's
    base_url and `services/turing`.
TURING_SERVICE_NAME
    The service's name in `c.JupyterHub.services`; default `turing`.
TURING_PROFILES_TOKEN
    A hub API token holding `access:services!service=turing`. Default:
    `TURING_API_TOKEN`, then the `api_token` of the `turing` service entry
    (grant that service the access scope through its role).
TURING_PROFILES_CACHE_SECONDS
    How long a fetched list is reused; default 30.
TURING_PROFILES_TIMEOUT_SECONDS
    Per request; default 5.

On an error (hub-proxy down, a bad answer) the last good list is used and a
warning logged. Before any list was fetched, the error is raised, so the
spawn page or the start fails visibly instead of starting a default image.
"""

import asyncio
import json
import logging
import os
import time

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

_turing_log = logging.getLogger("turing.profiles")


def _turing_settings(config):
    name = os.environ.get("TURING_SERVICE_NAME") or "turing"
    service = next(
        (s for s in (config.JupyterHub.get("services") or []) if s.get("name") == name),
        {},
    )
    url = os.environ.get("TURING_URL") or ""
    if not url:
        base_url = config.JupyterHub.get("base_url") or "/"
        if not service.get("url"):
            raise RuntimeError(
                f"turing_profiles: set TURING_URL, or give the {name!r} service a url"
            )
        prefix = "/".join(p for p in (base_url.strip("/"), "services", name) if p)
        url = service["url"].rstrip("/") + "/" + prefix
    token = (
        os.environ.get("TURING_PROFILES_TOKEN")
        or os.environ.get("TURING_API_TOKEN")
        or service.get("api_token")
        or ""
    )
    if not token:
        raise RuntimeError(
            "turing_profiles: set TURING_PROFILES_TOKEN (a token with the Turing access scope)"
        )
    return {
        "url": url.rstrip("/") + "/api/v1/environments/profiles",
        "token": token,
        "ttl": float(os.environ.get("TURING_PROFILES_CACHE_SECONDS") or 30),
        "timeout": float(os.environ.get("TURING_PROFILES_TIMEOUT_SECONDS") or 5),
    }


def make_turing_profile_list(settings):
    """Returns the async `profile_list(spawner)` callable for `settings`."""
    cache = {"profiles": None, "fetched": 0.0}
    lock = asyncio.Lock()

    async def fetch():
        request = HTTPRequest(
            settings["url"],
            headers={"Authorization": f"token {settings['token']}", "Accept": "application/json"},
            request_timeout=settings["timeout"],
            follow_redirects=False,
        )
        response = await AsyncHTTPClient().fetch(request)
        profiles = json.loads(response.body)
        if not isinstance(profiles, list) or not profiles:
            raise ValueError("expected a non-empty JSON list of profiles")
        return profiles

    async def turing_profile_list(spawner):
        async with lock:
            if cache["profiles"] is not None and time.monotonic() - cache["fetched"] < settings["ttl"]:
                return cache["profiles"]
            try:
                cache["profiles"] = await fetch()
                cache["fetched"] = time.monotonic()
            except Exception as e:
                if cache["profiles"] is None:
                    raise RuntimeError(
                        f"The environment catalog is unavailable ({settings['url']}): {e}"
                    ) from e
                _turing_log.warning(
                    "turing_profiles: %s failed (%s); using the list from %.0f s ago",
                    settings["url"],
                    e,
                    time.monotonic() - cache["fetched"],
                )
            return cache["profiles"]

    return turing_profile_list


c.KubeSpawner.profile_list = make_turing_profile_list(_turing_settings(c))  # noqa: F821
