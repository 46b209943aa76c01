"""Warm start of the runner for the local runtime: import first, then wait to be handed one run.

`turing_runner.py --warm` lands here. The process imports what a run needs
before its first cell (papermill, nbclient, jupyter_client, nbformat and
nbconvert: about 2 s of a cold run, most of it building jsonschema grammars)
and then waits on stdin for one hand-over line from hub-proxy:

    {"env": {...}, "cwd": "...", "log": "/path/to/<run id>.log"}

It answers {"event": "started"} on stdout, points stdout and stderr at the
run's log (appending, mode 0600) and stdin at /dev/null, replaces its whole
environment with the run's and changes to `cwd`: from there on it is what a
cold `python turing_runner.py` started with that environment would be, and
it runs the same `main()`. One process serves one run, then exits.

Protocol on stdout before the hand-over, one JSON object per line:

    {"event": "ready", "stamp": {path: mtime_ns}}   imports done; `stamp` was
        taken before importing: the runner's own files, the site-packages
        folders and pyvenv.cfg. hub-proxy re-reads those mtimes when it takes
        the process and starts a fresh one instead if any changed.

End of stdin before a hand-over (hub-proxy stopped the pool or went away):
exit 0 without running anything.
"""

from __future__ import annotations

import json
import os
import site
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

RUNNER_DIR = Path(__file__).resolve().parent


def stamp_paths() -> list[str]:
    """Files whose change makes a warm process stale: the runner's modules and the installed packages."""
    paths = sorted(str(p) for p in RUNNER_DIR.glob("*.py"))
    paths.extend(p for p in site.getsitepackages() if os.path.isdir(p))
    venv_config = os.path.join(sys.prefix, "pyvenv.cfg")
    if os.path.isfile(venv_config):
        paths.append(venv_config)
    return paths


def take_stamp() -> dict[str, str]:
    """mtime (ns, as text: JavaScript numbers lose the low digits) of each stamp path."""
    stamp: dict[str, str] = {}
    for path in stamp_paths():
        try:
            stamp[path] = str(os.stat(path).st_mtime_ns)
        except OSError:
            continue
    return stamp


def preload() -> None:
    """Imports what runs before a notebook's first cell, and the HTML export after its last."""
    import jupyter_client.kernelspec  # noqa: F401
    import jupyter_client.manager  # noqa: F401
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import nbformat
    import papermill  # noqa: F401
    import papermill.engines  # noqa: F401
    import papermill.exceptions  # noqa: F401

    # papermill validates the notebook it reads: build (and cache) that validator now.
    nbformat.validator.get_validator(version=4, version_minor=nbformat.current_nbformat_minor)


def send(event: dict[str, Any]) -> None:
    os.write(1, (json.dumps(event) + "\n").encode())


def take_over(handover: dict[str, Any]) -> None:
    """Becomes the run's process: its log on stdout/stderr, nothing on stdin, its environment and cwd."""
    log_fd = os.open(str(handover["log"]), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    send({"event": "started"})
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in dict(handover["env"]).items()})
    os.chdir(str(handover["cwd"]))
    # Recomputed from the run's TMPDIR on next use.
    tempfile.tempdir = None


def serve_one_run(main: Callable[[], int]) -> int:
    """Warm up, wait for the hand-over, run `main` once; the exit code to use."""
    stamp = take_stamp()
    preload()
    send({"event": "ready", "stamp": stamp})
    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0
    take_over(json.loads(line))
    return main()
