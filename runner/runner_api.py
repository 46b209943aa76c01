"""hub-proxy's runner API for one run: the calls the runner makes, with retries."""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

ARTIFACT_CONTENT_TYPE = "application/octet-stream"
# Waits between attempts on connection errors, 5xx and 429.
RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0, 4.0)

log = logging.getLogger("turing.runner")


class RunnerError(Exception):
    """The runner cannot do its job (exit 2); the message says why."""


class ApiError(RunnerError):
    """The runner API refused a call or could not be reached."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class RunnerApi:
    """hub-proxy's runner API for one run, with retries on transient failures."""

    def __init__(self, base_url: str, token: str, run_id: str):
        self._base = base_url if base_url.endswith("/") else base_url + "/"
        self._token = token
        self._run_path = f"api/v1/runner/runs/{urllib.parse.quote(run_id, safe='')}"

    def spec(self) -> dict[str, Any]:
        body = self._request("GET", f"{self._run_path}/spec")
        try:
            spec = json.loads(body)
        except ValueError as err:
            raise ApiError(f"the run spec is not JSON: {err}") from err
        validate_spec(spec)
        return spec

    def progress(self, cell: int, cells: int) -> None:
        payload = json.dumps({"cell": cell, "cells": cells}).encode()
        self._request("POST", f"{self._run_path}/progress", payload, "application/json", attempts=2)

    def upload(self, name: str, data: bytes, attempts: int = len(RETRY_DELAYS_SECONDS) + 1) -> None:
        path = f"{self._run_path}/artifacts/{name}"
        self._request("PUT", path, data, ARTIFACT_CONTENT_TYPE, attempts=attempts)

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
        attempts: int = len(RETRY_DELAYS_SECONDS) + 1,
        timeout: float = 60.0,
    ) -> bytes:
        what = f"{method} {path}"
        for attempt in range(1, attempts + 1):
            request = urllib.request.Request(self._base + path, data=body, method=method)
            request.add_header("Authorization", f"Bearer {self._token}")
            request.add_header("Accept", "application/json")
            if content_type:
                request.add_header("Content-Type", content_type)
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as err:
                problem = f"HTTP {err.code}{problem_detail(err)}"
                if (err.code < 500 and err.code != 429) or attempt == attempts:
                    raise ApiError(f"{what} failed: {problem}", err.code) from err
            except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
                problem = str(getattr(err, "reason", None) or err)
                if attempt == attempts:
                    raise ApiError(f"{what} failed: {problem}") from err
            delay = RETRY_DELAYS_SECONDS[min(attempt, len(RETRY_DELAYS_SECONDS)) - 1]
            log.warning("%s: %s; retrying in %.1fs", what, problem, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")


def problem_detail(err: urllib.error.HTTPError) -> str:
    """`: <detail>` from a problem+json error body, if there is one."""
    try:
        detail = json.loads(err.read() or b"{}").get("detail")
    except (ValueError, AttributeError, OSError):
        return ""
    return f": {detail}" if isinstance(detail, str) and detail else ""


def validate_spec(spec: Any) -> None:
    """Raises RunnerError unless `spec` has the fields the runner needs, with the right types."""
    if not isinstance(spec, dict):
        raise RunnerError("the run spec is not a JSON object")
    expected = {"kernel": str, "parameters": dict, "outputs": list, "notebook": dict}
    for field, kind in expected.items():
        if not isinstance(spec.get(field), kind):
            raise RunnerError(f"the run spec has no valid {field!r}")
