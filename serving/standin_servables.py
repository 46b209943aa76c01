"""The versions of one model, as the TF Serving stand-in loads and reports them.

Each version is the SavedModel at ``<base>/<version>/``. Versions load in a
background thread, so the server answers status calls (``START``,
``LOADING``) while TensorFlow is still importing; a version that fails to
load ends in state ``END`` with the error, as in TF Serving. Unversioned
calls go to the highest AVAILABLE version.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from standin_errors import ServingError, from_exception, invalid_argument, not_found
from standin_tensors import InputSpec

log = logging.getLogger("tfserving_standin")


@dataclass
class Signature:
    """A callable signature of a loaded version and its input specs."""

    function: Any
    inputs: dict[str, InputSpec]


@dataclass
class Version:
    """One version and its load state, named as TF Serving names them."""

    number: int
    state: str = "START"
    error_code: str = "OK"
    error_message: str = ""
    signatures: dict[str, Signature] = field(default_factory=dict)
    # The SavedModel's SignatureDefs as JSON, for the metadata call.
    signature_defs: dict[str, Any] = field(default_factory=dict)
    # The loaded SavedModel: keeps its variables alive while its functions serve.
    loaded: Any = None


class Servables:
    """The versions of model `name` under `base_path`, with version labels."""

    def __init__(self, name: str, base_path: str, versions: list[int], labels: dict[str, int]):
        self.name = name
        self.base_path = base_path
        self.labels = labels
        self._lock = threading.Lock()
        self._versions = {v: Version(v) for v in versions}

    def load_in_background(self, threads: dict[str, int]) -> threading.Thread:
        """Starts loading every version (TensorFlow is imported on that thread)."""
        thread = threading.Thread(target=self._load_all, args=(threads,), name="loader", daemon=True)
        thread.start()
        return thread

    def _load_all(self, threads: dict[str, int]) -> None:
        try:
            import tensorflow as tf

            if threads.get("intra", 0) > 0:
                tf.config.threading.set_intra_op_parallelism_threads(threads["intra"])
            if threads.get("inter", 0) > 0:
                tf.config.threading.set_inter_op_parallelism_threads(threads["inter"])
        except Exception as err:  # noqa: BLE001 - reported through every version's status
            for version in self._versions.values():
                self._fail(version, from_exception(err))
            return
        for number in sorted(self._versions, reverse=True):
            self._load(self._versions[number])

    def _load(self, version: Version) -> None:
        import tensorflow as tf

        path = os.path.join(self.base_path, str(version.number))
        with self._lock:
            version.state = "LOADING"
        try:
            signature_defs = _read_signature_defs(path)
            loaded = tf.saved_model.load(path, tags=["serve"])
            signatures = {
                key: Signature(fn, _input_specs(fn)) for key, fn in loaded.signatures.items()
            }
        except Exception as err:  # noqa: BLE001 - a bad version must not stop the others
            self._fail(version, from_exception(err))
            return
        with self._lock:
            version.signatures = signatures
            version.loaded = loaded
            version.signature_defs = signature_defs
            version.state = "AVAILABLE"
        log.info("Successfully loaded servable version {name: %s version: %d}", self.name, version.number)

    def _fail(self, version: Version, err: ServingError) -> None:
        with self._lock:
            version.state = "END"
            version.error_code = err.code
            version.error_message = err.message
        log.error("Loading servable {name: %s version: %d} failed: %s", self.name, version.number, err.message)

    def status(self, name: str, version: int | None, label: str | None) -> dict[str, Any]:
        """The ``GetModelStatusResponse`` JSON for `name` (every version when none is given)."""
        if name != self.name:
            raise not_found(f"Could not find any versions of model {name}")
        with self._lock:
            if version is None and label is None:
                chosen = sorted(self._versions.values(), key=lambda v: -v.number)
            else:
                number = self._number(version, label)
                if number not in self._versions:
                    raise not_found(f"Could not find version {number} of model {name}")
                chosen = [self._versions[number]]
            return {
                "model_version_status": [
                    {
                        "version": str(v.number),
                        "state": v.state,
                        "status": {"error_code": v.error_code, "error_message": v.error_message},
                    }
                    for v in chosen
                ]
            }

    def available(self, name: str, version: int | None, label: str | None) -> Version:
        """The AVAILABLE version a call addresses; NOT_FOUND as TF Serving words it."""
        with self._lock:
            if name == self.name:
                if version is None and label is None:
                    ready = [v for v in self._versions.values() if v.state == "AVAILABLE"]
                    if ready:
                        return max(ready, key=lambda v: v.number)
                else:
                    found = self._versions.get(self._number(version, label))
                    if found and found.state == "AVAILABLE":
                        return found
        if version is not None:
            request = f"Specific({name}, {version})"
        elif label is not None:
            request = f"Label({name}, {label})"
        else:
            request = f"Latest({name})"
        raise not_found(f"Servable not found for request: {request}")

    def metadata(self, name: str, version: int | None, label: str | None) -> dict[str, Any]:
        """The ``GetModelMetadataResponse`` JSON: model_spec and every SignatureDef."""
        found = self.available(name, version, label)
        return {
            "model_spec": {"name": self.name, "signature_name": "", "version": str(found.number)},
            "metadata": {"signature_def": {"signature_def": found.signature_defs}},
        }

    def _number(self, version: int | None, label: str | None) -> int:
        if version is not None:
            return version
        assert label is not None
        if label not in self.labels:
            raise invalid_argument(f"Unrecognized servable version label: {label}")
        return self.labels[label]


def _read_signature_defs(path: str) -> dict[str, Any]:
    """The SignatureDefs of the ``serve`` MetaGraph, read from the SavedModel proto."""
    from google.protobuf.json_format import MessageToDict
    from tensorflow.core.protobuf import saved_model_pb2

    proto = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as f:
        proto.ParseFromString(f.read())
    for meta_graph in proto.meta_graphs:
        if "serve" in meta_graph.meta_info_def.tags:
            return {
                key: MessageToDict(
                    sig, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
                )
                for key, sig in meta_graph.signature_def.items()
            }
    raise ServingError("NOT_FOUND", f"No MetaGraph with the tag 'serve' in {path}")


def _input_specs(function: Any) -> dict[str, InputSpec]:
    import numpy as np
    import tensorflow as tf

    specs: dict[str, InputSpec] = {}
    for key, spec in function.structured_input_signature[1].items():
        shape = None if spec.shape.rank is None else tuple(spec.shape.as_list())
        is_string = spec.dtype == tf.string
        specs[key] = InputSpec(
            dtype=np.dtype(object) if is_string else np.dtype(spec.dtype.as_numpy_dtype),
            shape=shape,
            is_string=is_string,
            is_bool=spec.dtype == tf.bool,
        )
    return specs
