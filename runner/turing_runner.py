#!/usr/bin/env python3
"""Turing notebook runner: executes one run of a notebook job with papermill.

Used by both runtimes: inside the job's image on Kubernetes, and as a
subprocess of hub-proxy in the local runtime. It talks only to hub-proxy's
runner API, with a token scoped to its run:

    GET  api/v1/runner/runs/{id}/spec              -> {run, job, kernel, parameters, outputs, notebook}
    POST api/v1/runner/runs/{id}/progress          {cell, cells}, once per cell (best effort)
    PUT  api/v1/runner/runs/{id}/artifacts/{file}  output.ipynb, output.html, log.txt
    DELETE api/v1/runner/runs/{id}/model-output     before a model output upload (clears an earlier attempt's)
    PUT  api/v1/runner/runs/{id}/model-output/files/{path}   each file under the job's model output path

A job with a model output (`modelOutput: {path}` in the spec) uploads every
file under that path, relative to the notebook's working directory, once the
notebook has run; a path the notebook did not write fails the run.

Environment: TURING_RUNNER_API (base URL ending in "/"), TURING_RUN_TOKEN, TURING_RUN_ID.
With `--warm` (local runtime only) the process imports first and takes its
environment, working directory and log from a hand-over line on stdin
(warm_start.py); without arguments, as in run pods, it runs at once.

Exit codes: 0 the notebook ran; 1 the notebook failed (a cell raised, the
kernel died); 2 the runner could not do its job (configuration, API,
missing kernel, uploads). On failure the last line the runner logs carries
FAILURE_MARKER followed by a one-line reason, which the local runtime shows.

Needs only the Python 3.11 standard library, papermill and nbconvert.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

from runner_api import RETRY_DELAYS_SECONDS, ApiError, RunnerApi, RunnerError
from runner_logging import BoundedLog, install_logging

EXIT_SUCCEEDED = 0
EXIT_NOTEBOOK_FAILED = 1
EXIT_RUNNER_ERROR = 2
EXIT_TERMINATED = 143

#: Prefix of the one-line reason logged when a run fails (read by the local runtime).
FAILURE_MARKER = "turing-runner: run failed: "

#: Most files a model output may have (hub-proxy refuses more, too).
MAX_MODEL_OUTPUT_FILES = 1000

ENGINE_NAME = "turing-progress"

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

log = logging.getLogger("turing.runner")


class ProgressReporter:
    """Posts the latest {cell, cells} from a background thread, so cells never wait for HTTP."""

    def __init__(self, api: RunnerApi):
        self._api = api
        self._cond = threading.Condition()
        self._latest: tuple[int, int] | None = None
        self._sent: tuple[int, int] | None = None
        self._closed = False
        self._warned = False
        self._thread = threading.Thread(target=self._run, name="turing-progress", daemon=True)
        self._thread.start()

    def report(self, cell: int, cells: int) -> None:
        with self._cond:
            self._latest = (cell, cells)
            self._cond.notify()

    def close(self, timeout: float = 10.0) -> None:
        """Sends what is pending, then stops."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and self._latest == self._sent:
                    self._cond.wait()
                if self._latest == self._sent or self._latest is None:
                    return
                current = self._latest
            try:
                self._api.progress(*current)
            except Exception as err:  # progress is best effort: never fail the run for it
                if not self._warned:
                    log.warning("could not report progress (further failures not logged): %s", err)
                    self._warned = True
            self._sent = current


def progress_engine(reporter: ProgressReporter) -> type:
    """A papermill engine whose execution manager reports each cell to `reporter`."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager

    class ProgressExecutionManager(NotebookExecutionManager):
        def _report(self, cell_index: int | None) -> None:
            if cell_index is not None:
                reporter.report(cell_index + 1, len(self.nb.cells))

        def cell_start(self, cell, cell_index=None, **kwargs):
            super().cell_start(cell, cell_index, **kwargs)
            self._report(cell_index)

        def cell_complete(self, cell, cell_index=None, **kwargs):
            super().cell_complete(cell, cell_index, **kwargs)
            self._report(cell_index)

    class ProgressEngine(NBClientEngine):
        # papermill 2.7's Engine.execute_notebook, with our manager in place of its own.
        @classmethod
        def execute_notebook(
            cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False, autosave_cell_every=30, **kwargs
        ):
            nb_man = ProgressExecutionManager(
                nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    return ProgressEngine


class Run:
    """One run: its working directory, what it produced, and the uploads at the end."""

    def __init__(self, api: RunnerApi, buffer: BoundedLog):
        self.api = api
        self.buffer = buffer
        self.workdir = Path(tempfile.mkdtemp(prefix="turing-run-"))
        self.input_path = self.workdir / "input.ipynb"
        self.output_path = self.workdir / "output.ipynb"
        self.cwd = self.workdir / "work"
        self.cwd.mkdir()
        self.outputs: list[str] = []
        self.model_output: dict[str, Any] | None = None
        self.finishing = False

    def execute(self, spec: dict[str, Any]) -> None:
        """Runs the notebook; raises what papermill raises."""
        import papermill
        from papermill.engines import papermill_engines

        self.outputs = [str(o) for o in spec["outputs"]]
        model_output = spec.get("modelOutput")
        self.model_output = model_output if isinstance(model_output, dict) else None
        self.input_path.write_text(json.dumps(spec["notebook"]), encoding="utf-8")
        reporter = ProgressReporter(self.api)
        papermill_engines.register(ENGINE_NAME, progress_engine(reporter))
        log.info("turing-runner: run %s of job %s, kernel %s", spec.get("run"), spec.get("job"), spec["kernel"])
        try:
            papermill.execute_notebook(
                str(self.input_path),
                str(self.output_path),
                parameters=spec["parameters"],
                kernel_name=spec["kernel"],
                engine_name=ENGINE_NAME,
                log_output=True,
                progress_bar=False,
                cwd=str(self.cwd),
            )
        finally:
            reporter.close()

    def upload_outputs(self, attempts: int = len(RETRY_DELAYS_SECONDS) + 1, html: bool = True) -> bool:
        """Uploads output.ipynb and (if asked for) output.html; False if an upload failed."""
        notebook = self._output_notebook()
        if notebook is None:
            return True
        ok = self._upload("output.ipynb", notebook, attempts)
        if html and "html" in self.outputs:
            html = self._html(notebook)
            if html is not None:
                ok = self._upload("output.html", html, attempts) and ok
        return ok

    def upload_model_output(self) -> tuple[int, str | None]:
        """Uploads the files under the model output path: (exit code, failure reason or None)."""
        if self.model_output is None:
            return EXIT_SUCCEEDED, None
        declared = str(self.model_output.get("path", ""))
        try:
            files = model_output_files(self.cwd, declared)
        except ModelOutputError as err:
            return EXIT_NOTEBOOK_FAILED, str(err)
        try:
            self.api.clear_model_output()
            for relative, source in files:
                self.api.upload_model_file(relative, source)
        except ApiError as err:
            return EXIT_RUNNER_ERROR, f"could not upload the model output: {err}"
        total = sum(source.stat().st_size for _, source in files)
        log.info("turing-runner: uploaded model output %r: %d file(s), %d bytes", declared, len(files), total)
        return EXIT_SUCCEEDED, None

    def upload_log(self, attempts: int = len(RETRY_DELAYS_SECONDS) + 1) -> bool:
        return self._upload("log.txt", self.buffer.text().encode("utf-8", "replace"), attempts)

    def cleanup(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _output_notebook(self) -> bytes | None:
        """The executed notebook as papermill last saved it, if it is complete JSON."""
        try:
            data = self.output_path.read_bytes()
            json.loads(data)
            return data
        except FileNotFoundError:
            return None
        except ValueError:
            log.warning("turing-runner: output.ipynb is incomplete; not uploading it")
            return None

    def _html(self, notebook: bytes) -> bytes | None:
        try:
            import nbformat
            from nbconvert import HTMLExporter

            node = nbformat.reads(notebook.decode("utf-8"), as_version=4)
            body, _ = HTMLExporter().from_notebook_node(node)
            return body.encode("utf-8")
        except Exception as err:  # an HTML rendering problem must not hide the notebook's result
            log.warning("turing-runner: could not render output.html: %s", err)
            return None

    def _upload(self, name: str, data: bytes, attempts: int) -> bool:
        try:
            self.api.upload(name, data, attempts=attempts)
            log.info("turing-runner: uploaded %s (%d bytes)", name, len(data))
            return True
        except ApiError as err:
            log.error("turing-runner: could not upload %s: %s", name, err)
            return False


class ModelOutputError(RunnerError):
    """The notebook did not leave a usable model output; the message says why."""


def model_output_files(cwd: Path, declared: str) -> list[tuple[str, Path]]:
    """The files to upload for `declared` (relative to `cwd`), each with its path relative to the output root.

    A file is uploaded under its base name; a folder with its layout. The path
    must stay inside the working directory, symbolic links included.
    """
    root = (cwd / declared).resolve()
    base = cwd.resolve()
    if root != base and base not in root.parents:
        raise ModelOutputError(f"model output path '{declared}' leaves the notebook's working directory")
    if not root.exists():
        raise ModelOutputError(f"model output path '{declared}' was not written")
    if root.is_file():
        return [(root.name, root)]
    if not root.is_dir():
        raise ModelOutputError(f"model output path '{declared}' is neither a file nor a folder")
    files: list[tuple[str, Path]] = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_file():
                continue
            resolved = path.resolve()
            if base not in resolved.parents:
                raise ModelOutputError(f"model output file '{path.relative_to(base)}' links outside the working directory")
            files.append((path.relative_to(root).as_posix(), path))
            if len(files) > MAX_MODEL_OUTPUT_FILES:
                raise ModelOutputError(
                    f"model output path '{declared}' has more than {MAX_MODEL_OUTPUT_FILES} files; write fewer (e.g. one archive)"
                )
    if not files:
        raise ModelOutputError(f"model output path '{declared}' is an empty folder")
    return sorted(files)


def describe_cell_error(err: Any) -> str:
    """The failing cell's error, as the log shows it: where, what, and the traceback."""
    lines = [
        f"turing-runner: cell {err.cell_index + 1} (In [{err.exec_count}]) raised {err.ename}: {err.evalue}",
        "-" * 75,
        ANSI_ESCAPE.sub("", "\n".join(err.traceback)),
        "-" * 75,
    ]
    return "\n".join(lines)


def on_sigterm(run: Run | None) -> None:
    """Timeout or cancel: save what there is (best effort, quickly), then exit 143."""

    def handler(signum: int, _frame: Any) -> None:
        if run is not None and not run.finishing:
            run.finishing = True
            log.error("%sterminated by signal %d (timeout or cancel)", FAILURE_MARKER, signum)
            run.upload_outputs(attempts=1, html=False)  # rendering HTML could outlast the grace period
            run.upload_log(attempts=1)
            run.cleanup()
        # Skip interpreter shutdown: papermill's kernel client may be mid-call.
        os._exit(EXIT_TERMINATED)

    signal.signal(signal.SIGTERM, handler)


def read_environment() -> tuple[str, str, str]:
    values = {name: os.environ.get(name, "").strip() for name in ("TURING_RUNNER_API", "TURING_RUN_TOKEN", "TURING_RUN_ID")}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise RunnerError(f"missing environment variable(s): {', '.join(missing)}")
    return values["TURING_RUNNER_API"], values["TURING_RUN_TOKEN"], values["TURING_RUN_ID"]


def missing_kernel_reason(name: str) -> str:
    """One line on a kernel papermill cannot find: what there is, where the owner's own kernels were looked for."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        available = ", ".join(sorted(KernelSpecManager().find_kernel_specs())) or "none"
    except Exception:  # the listing only explains; never let it hide the real failure
        available = "unknown"
    # JUPYTER_PATH is the owner's home (jobs.homeVolume, jobs.localUserHome); else their own HOME.
    homes = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    looked = " and ".join(os.path.join(p, "kernels") for p in homes) or "~/.local/share/jupyter/kernels"
    # The list comes last: it may be long, and the reason is cut at 1000 characters.
    return (
        f"kernel {name!r} is not installed. Register your environment's kernel from inside it with "
        f"`python -m ipykernel install --user --name <env>`; the owner's kernels were looked for in {looked}. "
        f"Available: {available}"
    )


def execute_run(run: Run) -> tuple[int, str | None]:
    """Fetches the spec and runs the notebook: (exit code, failure reason or None)."""
    from jupyter_client.kernelspec import NoSuchKernel
    from papermill.exceptions import PapermillExecutionError

    try:
        spec = run.api.spec()
    except RunnerError as err:
        return EXIT_RUNNER_ERROR, f"cannot fetch the run spec: {err}"
    try:
        run.execute(spec)
        return EXIT_SUCCEEDED, None
    except PapermillExecutionError as err:
        log.error("%s", describe_cell_error(err))
        return EXIT_NOTEBOOK_FAILED, f"{err.ename}: {err.evalue}"
    except NoSuchKernel as err:
        return EXIT_RUNNER_ERROR, missing_kernel_reason(err.name)
    except Exception as err:
        log.error("turing-runner: the notebook run broke off:\n%s", traceback.format_exc().rstrip())
        return EXIT_NOTEBOOK_FAILED, f"{type(err).__name__}: {err}"


def main() -> int:
    buffer = install_logging()
    on_sigterm(None)
    try:
        base_url, token, run_id = read_environment()
    except RunnerError as err:
        log.error("%s%s", FAILURE_MARKER, err)
        return EXIT_RUNNER_ERROR
    log.info("turing-runner: starting run %s", run_id)
    run = Run(RunnerApi(base_url, token, run_id), buffer)
    on_sigterm(run)
    code, failure = execute_run(run)
    if code == EXIT_SUCCEEDED:
        code, failure = run.upload_model_output()
    run.finishing = True
    if failure:
        log.error("%s%s", FAILURE_MARKER, failure)
    if not run.upload_outputs() and code == EXIT_SUCCEEDED:
        code = EXIT_RUNNER_ERROR
        log.error("%scould not upload the outputs", FAILURE_MARKER)
    run.upload_log()
    run.cleanup()
    return code


if __name__ == "__main__":
    if sys.argv[1:] == ["--warm"]:
        # The local runtime's warm start (warm_start.py): imports now, one run when handed over.
        from warm_start import serve_one_run

        sys.exit(serve_one_run(main))
    sys.exit(main())
