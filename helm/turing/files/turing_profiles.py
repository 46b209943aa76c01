"""Turing: KubeSpawner's profile_list and GPU quota check, from hub-proxy.

A jupyterhub_config.py snippet (Zero-to-JupyterHub: one `hub.extraConfig`
entry; the Turing chart embeds this file). It sets
`c.KubeSpawner.profile_list` to an async callable, so the spawn form and the
options a server starts with always come from the environment catalog that
hub-proxy serves at `GET {TURING_URL}/api/v1/environments/profiles`.

It also sets `c.KubeSpawner.pre_spawn_hook` (calling any hook set before it
first), which asks `POST {TURING_URL}/api/v1/environments/quota/check`
before every spawn, so a start from the hub's own spawn page or REST API
cannot go past the user's GPU quota (their other servers plus their active
job runs). A refusal shows on the spawn page with hub-proxy's message.

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
TURING_QUOTA_CHECK
    `0` or `false`: install no pre_spawn_hook. Default on.
TURING_QUOTA_FAIL_OPEN
    `1` or `true`: let a spawn start when hub-proxy cannot answer the quota
    check (logged). Default off: the spawn fails with a message saying so.

On an error (hub-proxy down, a bad answer) the last good list is used and a
warning logged. Before any list was fetched, the error is raised, so the
spawn page or the start fails visibly instead of starting a default image.
"""

import asyncio
import inspect
import json
import logging
import os
import time

from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

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
        "quota_url": url.rstrip("/") + "/api/v1/environments/quota/check",
        "token": token,
        "ttl": float(os.environ.get("TURING_PROFILES_CACHE_SECONDS") or 30),
        "timeout": float(os.environ.get("TURING_PROFILES_TIMEOUT_SECONDS") or 5),
        "fail_open": _turing_flag("TURING_QUOTA_FAIL_OPEN", False),
    }


def _turing_flag(name, default):
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


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


def _turing_spawn_refused(status, message):
    """An error whose message the hub's spawn page shows as it is."""
    error = web.HTTPError(status, "%s", message)
    error.jupyterhub_message = message
    return error


def make_turing_pre_spawn_hook(settings, previous=None):
    """Returns an async `pre_spawn_hook(spawner)` that checks the GPU quota with hub-proxy.

    `previous`, a hook configured before this snippet ran, is called first.
    """

    async def turing_pre_spawn_hook(spawner):
        if previous is not None:
            result = previous(spawner)
            if inspect.isawaitable(result):
                await result
        body = json.dumps(
            {
                "user": spawner.user.name,
                "serverName": spawner.name or "",
                "userOptions": dict(spawner.user_options or {}),
            },
            default=str,
        )
        request = HTTPRequest(
            settings["quota_url"],
            method="POST",
            body=body,
            headers={
                "Authorization": f"token {settings['token']}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            request_timeout=settings["timeout"],
            follow_redirects=False,
        )
        try:
            await AsyncHTTPClient().fetch(request)
            return
        except HTTPClientError as e:
            problem = {}
            if e.response is not None and e.response.body:
                try:
                    problem = json.loads(e.response.body)
                except ValueError:
                    problem = {}
            if e.code in (400, 403, 429) and isinstance(problem, dict) and problem.get("detail"):
                # hub-proxy's own words: the quota refusal (or a bad selection) as the user should see it.
                raise _turing_spawn_refused(e.code, str(problem["detail"])) from None
            reason = f"hub-proxy answered {e.code}"
        except Exception as e:
            reason = str(e) or type(e).__name__
        if settings["fail_open"]:
            _turing_log.warning(
                "turing quota check for %s failed (%s); starting anyway (TURING_QUOTA_FAIL_OPEN)",
                spawner._log_name,
                reason,
            )
            return
        _turing_log.error("turing quota check for %s failed: %s", spawner._log_name, reason)
        raise _turing_spawn_refused(
            503, "Your GPU quota could not be checked (Turing is unavailable); try again shortly."
        )

    return turing_pre_spawn_hook


_turing = _turing_settings(c)  # noqa: F821
c.KubeSpawner.profile_list = make_turing_profile_list(_turing)  # noqa: F821
if _turing_flag("TURING_QUOTA_CHECK", True):
    _turing_previous_hook = c.KubeSpawner.get("pre_spawn_hook") or c.Spawner.get("pre_spawn_hook")  # noqa: F821
    c.KubeSpawner.pre_spawn_hook = make_turing_pre_spawn_hook(  # noqa: F821
        _turing, previous=_turing_previous_hook
    )
