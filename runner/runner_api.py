"""hub-proxy's runner API for one run: the calls the runner makes, with retries."""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, BinaryIO, Callable

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

    def clear_model_output(self) -> None:
        """Removes what an earlier attempt of this run uploaded as its model output."""
        self._request("DELETE", f"{self._run_path}/model-output")

    def upload_model_file(self, relative: str, source: Path) -> None:
        """Streams one model output file (`relative` to the output root) from disk, reopened per attempt."""
        path = f"{self._run_path}/model-output/files/{urllib.parse.quote(relative, safe='')}"
        self._request("PUT", path, lambda: source.open("rb"), ARTIFACT_CONTENT_TYPE, length=source.stat().st_size)

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | Callable[[], BinaryIO] | None = None,
        content_type: str | None = None,
        attempts: int = len(RETRY_DELAYS_SECONDS) + 1,
        timeout: float = 60.0,
        length: int | None = None,
    ) -> bytes:
        """One call with retries; `body` may be a function opening a stream (sent with `length`)."""
        what = f"{method} {path}"
        for attempt in range(1, attempts + 1):
            stream = body() if callable(body) else None
            data = stream if stream is not None else body
            request = urllib.request.Request(self._base + path, data=data, method=method)  # type: ignore[arg-type]
            request.add_header("Authorization", f"Bearer {self._token}")
            request.add_header("Accept", "application/json")
            if content_type:
                request.add_header("Content-Type", content_type)
            if stream is not None:
                # A known length: urllib would otherwise send a file chunked.
                request.add_header("Content-Length", str(length or 0))
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
            finally:
                if stream is not None:
                    stream.close()
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
