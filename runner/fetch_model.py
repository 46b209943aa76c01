"""Init container of a serving pod: fetch a model's versions from hub-proxy.

Reads its settings from the environment (set by hub-proxy's Deployment):

  TURING_ARTIFACT_API     hub-proxy's base URL, ending with the service prefix
  TURING_ARTIFACT_TOKEN   the model-artifact token (never printed)
  TURING_MODEL            the model name
  TURING_MODEL_VERSIONS   versions to fetch, comma-separated integers
  TURING_MODELS_DIR       where version N goes: <dir>/<N>/<file path>
  TURING_CONFIG_DIR       optional: a tree copied into TURING_CONFIG_DEST
  TURING_CONFIG_DEST      (MLServer's settings, from a ConfigMap volume)

For each version it reads the manifest (`GET api/v1/model-artifacts/<model>/
versions/<N>/manifest` -> {"files": [{"path", "sizeBytes"}]}) and downloads
every file (`.../files/<path>`) into a temporary file, checks its size and
renames it into place, so a half-written file never looks complete. A file
already present with the right size is kept (the init container may run
again in the same pod). Connection errors, 5xx and 429 are retried; a
refused token or a missing version ends the container at once.

Python standard library only: it runs in any Python 3.8+ image.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List

CHUNK_BYTES = 1 << 20
RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)
TIMEOUT_SECONDS = 60


class FetchError(Exception):
    """The model cannot be fetched; the message says why (without the token)."""


def log(message: str) -> None:
    print(f"fetch-model: {message}", file=sys.stderr, flush=True)


def setting(name: str, required: bool = True) -> str:
    value = os.environ.get(name, "")
    if required and not value:
        raise FetchError(f"{name} is not set")
    return value


def parse_versions(text: str) -> List[int]:
    versions = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise FetchError(f"TURING_MODEL_VERSIONS has a bad version: {part!r}")
        versions.append(int(part))
    if not versions:
        raise FetchError("TURING_MODEL_VERSIONS is empty")
    return versions


def safe_relative_path(path: str) -> str:
    """A manifest path as a relative path that stays inside the version folder."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path or "\0" in path:
        raise FetchError(f"the manifest lists an unsafe path: {path!r}")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise FetchError(f"the manifest lists an unsafe path: {path!r}")
    return os.path.join(*parts)


class ArtifactApi:
    def __init__(self, base_url: str, token: str, model: str):
        self._base = base_url if base_url.endswith("/") else base_url + "/"
        self._token = token
        self._model = urllib.parse.quote(model, safe="")

    def version_url(self, version: int, tail: str) -> str:
        return f"{self._base}api/v1/model-artifacts/{self._model}/versions/{version}/{tail}"

    def open(self, url: str) -> Any:
        """Opens `url`, retrying transient failures; the caller reads and closes the response."""
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._token}"})
        for attempt, delay in enumerate((*RETRY_DELAYS_SECONDS, None)):
            try:
                return urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
            except urllib.error.HTTPError as err:
                retriable = err.code >= 500 or err.code == 429
                detail = f"HTTP {err.code} for {redact(url)}"
                err.close()
                if not retriable or delay is None:
                    raise FetchError(detail) from None
                log(f"{detail}; retrying in {delay} s (attempt {attempt + 1})")
            except (urllib.error.URLError, OSError) as err:
                reason = getattr(err, "reason", err)
                if delay is None:
                    raise FetchError(f"cannot reach {redact(url)}: {reason}") from None
                log(f"cannot reach {redact(url)}: {reason}; retrying in {delay} s")
            time.sleep(delay)
        raise FetchError("unreachable")  # pragma: no cover

    def manifest(self, version: int) -> List[Dict[str, Any]]:
        with self.open(self.version_url(version, "manifest")) as response:
            try:
                body = json.loads(response.read())
            except ValueError as err:
                raise FetchError(f"the manifest of version {version} is not JSON: {err}") from None
        files = body.get("files") if isinstance(body, dict) else None
        if not isinstance(files, list):
            raise FetchError(f"the manifest of version {version} has no file list")
        return files


def redact(url: str) -> str:
    """URLs carry no secret, but keep query strings out of logs anyway."""
    return url.split("?", 1)[0]


def fetch_file(api: ArtifactApi, version: int, entry: Dict[str, Any], version_dir: str) -> int:
    relative = safe_relative_path(entry.get("path"))
    size = entry.get("sizeBytes")
    if not isinstance(size, int) or size < 0:
        raise FetchError(f"the manifest gives no size for {relative}")
    target = os.path.join(version_dir, relative)
    if os.path.isfile(target) and os.path.getsize(target) == size:
        return 0
    os.makedirs(os.path.dirname(target), exist_ok=True)
    quoted = "/".join(urllib.parse.quote(p, safe="") for p in entry["path"].split("/"))
    url = api.version_url(version, f"files/{quoted}")
    descriptor, partial = tempfile.mkstemp(prefix=".partial-", dir=os.path.dirname(target))
    try:
        written = 0
        with os.fdopen(descriptor, "wb") as out, api.open(url) as response:
            while True:
                chunk = response.read(CHUNK_BYTES)
                if not chunk:
                    break
                written += len(chunk)
                if written > size:
                    raise FetchError(f"{relative} is larger than the manifest says ({size} bytes)")
                out.write(chunk)
        if written != size:
            raise FetchError(f"{relative}: got {written} bytes, the manifest says {size}")
        os.replace(partial, target)
    except BaseException:
        try:
            os.unlink(partial)
        except FileNotFoundError:
            pass
        raise
    return size


def fetch_version(api: ArtifactApi, version: int, models_dir: str) -> None:
    started = time.monotonic()
    files = api.manifest(version)
    version_dir = os.path.join(models_dir, str(version))
    os.makedirs(version_dir, exist_ok=True)
    fetched = sum(fetch_file(api, version, entry, version_dir) for entry in files)
    log(
        f"version {version}: {len(files)} files, {fetched} bytes downloaded "
        f"in {time.monotonic() - started:.1f} s"
    )


def copy_config(source: str, destination: str) -> None:
    """Copies the visible tree of a ConfigMap volume (its `..data` links are hidden)."""
    for root, dirs, files in os.walk(source, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        relative = os.path.relpath(root, source)
        for name in files:
            if name.startswith("."):
                continue
            target_dir = os.path.normpath(os.path.join(destination, relative))
            os.makedirs(target_dir, exist_ok=True)
            shutil.copyfile(os.path.join(root, name), os.path.join(target_dir, name))


def main() -> int:
    try:
        api = ArtifactApi(
            setting("TURING_ARTIFACT_API"), setting("TURING_ARTIFACT_TOKEN"), setting("TURING_MODEL")
        )
        versions = parse_versions(setting("TURING_MODEL_VERSIONS"))
        models_dir = setting("TURING_MODELS_DIR")
        for version in versions:
            fetch_version(api, version, models_dir)
        config_dir = setting("TURING_CONFIG_DIR", required=False)
        if config_dir:
            copy_config(config_dir, setting("TURING_CONFIG_DEST"))
    except FetchError as err:
        log(f"failed: {err}")
        return 1
    log(f"model {setting('TURING_MODEL')}: versions {', '.join(map(str, versions))} ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
