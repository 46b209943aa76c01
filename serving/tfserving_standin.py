"""A local stand-in for TF Serving: TF Serving's REST API on tensorflow-cpu.

TF Serving (``tensorflow_model_server``) has no binary on PyPI or Debian, so
Turing's local runtime serves SavedModels with this small server instead.
It is not TF Serving: it serves one model, several integer versions, over
REST only (no gRPC, no batching, no classify/regress), and loads each
version with ``tf.saved_model.load``. What it answers has TF Serving's
documented shapes (https://www.tensorflow.org/tfx/serving/api_rest):

- ``GET /v1/models/<name>[/versions/<n>|/labels/<l>]``: ``model_version_status``
  (``state`` is ``AVAILABLE`` once a version serves: the readiness signal);
- ``GET .../metadata``: ``model_spec`` and the SavedModel's ``signature_def`` map;
- ``POST /v1/models/<name>[/versions/<n>|/labels/<l>]:predict`` with
  ``{"instances": [...]}`` -> ``{"predictions": [...]}`` or
  ``{"inputs": ...}`` -> ``{"outputs": ...}``;
- errors as ``{"error": "..."}`` with TF Serving's HTTP statuses (400 for a bad
  request, 404 for an unknown model, version or label).

Versions come from ``--versions`` (TF Serving's ``specific`` version policy);
unversioned calls go to the highest AVAILABLE version. Accepted sockets
have Nagle's algorithm off (TCP_NODELAY): with it on, small keep-alive
responses waited for delayed ACKs and p50 was 44 ms instead of under 1 ms.

Usage:
    python tfserving_standin.py --model_name=NAME --model_base_path=DIR \
        --versions=1,2 [--version_labels=stable=1,canary=2] [--rest_api_port=8501]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

# Before TensorFlow is imported (on the loader thread): keep its C++ chatter out of the log.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from standin_errors import ServingError, from_exception, invalid_argument  # noqa: E402
from standin_servables import Servables  # noqa: E402
from standin_tensors import decode_inputs, encode_outputs, parse_body, signature_name_of  # noqa: E402

log = logging.getLogger("tfserving_standin")

# TF Serving's own path patterns (tensorflow_serving/model_servers/http_rest_api_util.cc).
PREDICT_PATH = re.compile(
    r"(?i)/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)"
)
STATUS_PATH = re.compile(
    r"(?i)/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?"
)
DEBUG_CONNECTION_PATH = "/_standin/connection"


class StandinServer(ThreadingHTTPServer):
    """One thread per connection; the servables and limits every handler shares."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], servables: Servables, options: argparse.Namespace):
        self.servables = servables
        self.max_body_bytes: int = options.max_body_bytes
        self.debug_routes: bool = options.debug_routes
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    """TF Serving's REST routes, answered with one write per response."""

    server: StandinServer
    protocol_version = "HTTP/1.1"
    # StreamRequestHandler.setup() sets TCP_NODELAY on every accepted socket.
    disable_nagle_algorithm = True
    server_version = "tfserving-standin"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if self.server.debug_routes and path == DEBUG_CONNECTION_PATH:
            nodelay = self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            self._reply(200, {"tcp_nodelay": bool(nodelay)})
            return
        self._handle(lambda: self._get(path))

    def do_POST(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        self._handle(lambda: self._post(path))

    def _get(self, path: str) -> tuple[int, Any]:
        match = STATUS_PATH.fullmatch(path)
        if not match:
            return self._unknown_path(path)
        name, version, label, subresource = match.groups()
        if not name:
            raise invalid_argument("Missing model name in request.")
        name, number, label = _model_spec(name, version, label)
        servables = self.server.servables
        if subresource:
            return 200, servables.metadata(name, number, label)
        return 200, servables.status(name, number, label)

    def _post(self, path: str) -> tuple[int, Any]:
        body = self._read_body()
        match = PREDICT_PATH.fullmatch(path)
        if not match:
            return self._unknown_path(path)
        name, version, label, method = match.groups()
        name, number, label = _model_spec(name, version, label)
        if method.lower() != "predict":
            raise ServingError("UNIMPLEMENTED", f"The TF Serving stand-in does not implement :{method}")
        found = self.server.servables.available(name, number, label)
        doc = parse_body(body)
        signature_name = signature_name_of(doc)
        signature = found.signatures.get(signature_name)
        if signature is None:
            raise invalid_argument(f'Serving signature name: "{signature_name}" not found in signature def')
        request = decode_inputs(doc, signature.inputs)
        try:
            import tensorflow as tf

            dtypes = signature.function.structured_input_signature[1]
            tensors = {key: tf.constant(value, dtype=dtypes[key].dtype) for key, value in request.inputs.items()}
            outputs = signature.function(**tensors)
        except Exception as err:  # noqa: BLE001 - TensorFlow's errors carry their status code
            raise from_exception(err) from None
        return 200, encode_outputs({k: v.numpy() for k, v in outputs.items()}, request.format)

    def _unknown_path(self, path: str) -> tuple[int, Any]:
        if not path.lower().startswith("/v1/"):
            raise ServingError("NOT_FOUND", f"Not found: {path}")
        raise invalid_argument(f"Malformed request: {self.command} {path}")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            raise invalid_argument("Invalid Content-Length") from None
        if size > self.server.max_body_bytes:
            self.close_connection = True
            raise ServingError("RESOURCE_EXHAUSTED", f"Request body over {self.server.max_body_bytes} bytes")
        return self.rfile.read(size)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            size = int(line or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > self.server.max_body_bytes:
                self.close_connection = True
                raise ServingError("RESOURCE_EXHAUSTED", f"Request body over {self.server.max_body_bytes} bytes")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _handle(self, answer: Any) -> None:
        try:
            status, payload = answer()
        except ServingError as err:
            status, payload = err.http_status, {"error": err.message}
        except Exception as err:  # noqa: BLE001 - answered as TF Serving would, and logged
            log.exception("request %s %s failed", self.command, self.path)
            failure = from_exception(err)
            status, payload = failure.http_status, {"error": failure.message}
        self._reply(status, payload)

    def _reply(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode("utf-8")
        head = (
            f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            + ("Connection: close\r\n" if self.close_connection else "")
            + "\r\n"
        ).encode("latin-1")
        # Headers and body in one write: one segment per small response.
        self.wfile.write(head + body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - overrides http.server
        # No access log (it would cost more than a predict); failures are logged where they happen.
        pass


def _model_spec(name: str, version: str | None, label: str | None) -> tuple[str, int | None, str | None]:
    number: int | None = None
    if version is not None:
        number = int(version)
        if number >= 2**63:
            raise invalid_argument(f"Failed to convert version: {version} to numeric.")
    return unquote(name), number, None if label is None else unquote(label)


def _parse_labels(text: str) -> dict[str, int]:
    labels: dict[str, int] = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = item.partition("=")
        labels[key.strip()] = int(value)
    return labels


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line; flag names follow tensorflow_model_server's where they exist."""
    parser = argparse.ArgumentParser(description="A local stand-in for TF Serving's REST API.")
    parser.add_argument("--model_name", required=True)
    parser.add_argument("--model_base_path", required=True, help="holds <version>/saved_model.pb")
    parser.add_argument("--versions", required=True, help="comma-separated integer versions to serve")
    parser.add_argument("--version_labels", default="", help="label=version,... (stable=1,canary=2)")
    parser.add_argument("--rest_api_port", type=int, default=8501, help="0: any free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tensorflow_intra_op_parallelism", type=int, default=0)
    parser.add_argument("--tensorflow_inter_op_parallelism", type=int, default=0)
    parser.add_argument("--max_body_bytes", type=int, default=64 * 1024 * 1024)
    parser.add_argument(
        "--debug_routes", action="store_true", help=f"serve {DEBUG_CONNECTION_PATH} (socket options)"
    )
    options = parser.parse_args(argv)
    try:
        options.version_list = sorted({int(v) for v in options.versions.split(",") if v.strip()})
        options.labels = _parse_labels(options.version_labels)
    except ValueError:
        parser.error("--versions and --version_labels take integer versions")
    if not options.version_list:
        parser.error("--versions names no version")
    return options


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = parse_args(argv)
    servables = Servables(options.model_name, options.model_base_path, options.version_list, options.labels)
    server = StandinServer((options.host, options.rest_api_port), servables, options)
    host, port = server.server_address[:2]
    # Stops serve_forever from another thread: shutdown() waits for it.
    stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    servables.load_in_background(
        {"intra": options.tensorflow_intra_op_parallelism, "inter": options.tensorflow_inter_op_parallelism}
    )
    log.info(
        "serving %s versions %s from %s at http://%s:%d/v1/models/%s",
        options.model_name,
        ",".join(map(str, options.version_list)),
        options.model_base_path,
        host,
        port,
        options.model_name,
    )
    print(f"listening on http://{host}:{port}", flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
