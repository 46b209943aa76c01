"""TF Serving's JSON tensor formats, for the TF Serving stand-in.

Request bodies (https://www.tensorflow.org/tfx/serving/api_rest, "Request
format"):

- row format ``{"instances": [...]}``: one element per example; with one
  input each element is the value itself (or ``{"<input>": value}``), with
  several inputs each element is an object keyed by input name;
- columnar format ``{"inputs": ...}``: the whole batch per input; a bare value
  with one input, an object keyed by input name otherwise.

Responses mirror the request: row requests get ``{"predictions": [...]}``
(one element per example; an object keyed by output name when there are
several outputs), columnar ones ``{"outputs": ...}`` (a bare value for one
output). Strings travel as UTF-8, or as ``{"b64": "..."}`` for binary data
(outputs whose name ends in ``_bytes``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from standin_errors import invalid_argument

ROW = "row"
COLUMNAR = "columnar"


@dataclass(frozen=True)
class InputSpec:
    """One input of a signature: its numpy dtype (``object`` for strings) and shape (None: unknown)."""

    dtype: np.dtype
    shape: tuple[int | None, ...] | None
    is_string: bool
    is_bool: bool


@dataclass(frozen=True)
class PredictRequest:
    """A decoded predict body: the signature to call, its inputs and the response format."""

    signature_name: str
    inputs: dict[str, np.ndarray]
    format: str


def parse_body(body: bytes) -> dict[str, Any]:
    """The request object; INVALID_ARGUMENT when it is not a JSON object."""
    if not body.strip():
        raise invalid_argument("JSON Parse error: The document is empty")
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise invalid_argument(f"JSON Parse error: {err}") from None
    if not isinstance(doc, dict):
        raise invalid_argument("JSON Value: request body is not a JSON object")
    return doc


def signature_name_of(doc: Mapping[str, Any]) -> str:
    """The ``signature_name`` of a request; ``serving_default`` when absent."""
    name = doc.get("signature_name", "serving_default")
    if not isinstance(name, str):
        raise invalid_argument("'signature_name' key must be a string value.")
    return name or "serving_default"


def decode_inputs(doc: Mapping[str, Any], specs: Mapping[str, InputSpec]) -> PredictRequest:
    """Checks and converts the body's inputs to arrays of the signature's dtypes and shapes."""
    has_instances, has_inputs = "instances" in doc, "inputs" in doc
    if has_instances and has_inputs:
        raise invalid_argument(
            "Not formatted correctly expecting only one of 'inputs' or 'instances' keys exclusively"
        )
    if not has_instances and not has_inputs:
        raise invalid_argument("Missing 'inputs' or 'instances' key")
    if has_instances:
        values, fmt = _row_values(doc["instances"], specs), ROW
    else:
        values, fmt = _columnar_values(doc["inputs"], specs), COLUMNAR
    _check_names(values, specs)
    arrays = {name: _to_array(name, value, specs[name]) for name, value in values.items()}
    return PredictRequest(signature_name_of(doc), arrays, fmt)


def _row_values(instances: Any, specs: Mapping[str, InputSpec]) -> dict[str, Any]:
    if not isinstance(instances, list):
        raise invalid_argument("Expecting 'instances' to be an list/array")
    if not instances:
        raise invalid_argument("No values in 'instances' list")
    named = all(isinstance(i, dict) and not _is_b64(i) for i in instances)
    if not named:
        if len(specs) != 1:
            raise invalid_argument(
                "Expecting object in 'instances' list: the signature has "
                f"{len(specs)} inputs ({', '.join(sorted(specs))})"
            )
        return {next(iter(specs)): instances}
    keys = set(instances[0])
    for index, instance in enumerate(instances):
        if set(instance) != keys:
            raise invalid_argument(
                f"Failed to process element: {index} of 'instances' list. "
                f"Expecting the keys {sorted(keys)}, got {sorted(instance)}"
            )
    return {key: [instance[key] for instance in instances] for key in keys}


def _columnar_values(inputs: Any, specs: Mapping[str, InputSpec]) -> dict[str, Any]:
    if isinstance(inputs, dict) and not _is_b64(inputs):
        return dict(inputs)
    if len(specs) != 1:
        raise invalid_argument(
            f"Expecting 'inputs' to be an object keyed by input name ({', '.join(sorted(specs))})"
        )
    return {next(iter(specs)): inputs}


def _check_names(values: Mapping[str, Any], specs: Mapping[str, InputSpec]) -> None:
    extra = sorted(set(values) - set(specs))
    missing = sorted(set(specs) - set(values))
    if extra or missing:
        raise invalid_argument(
            "Request inputs do not match required inputs for model "
            f"`{sorted(specs)}`. Send extra: {extra}. Missing but required: {missing}."
        )


def _to_array(name: str, value: Any, spec: InputSpec) -> np.ndarray:
    if spec.is_string:
        array = np.array(_strings(value), dtype=object)
    else:
        try:
            raw = np.array(value)
        except ValueError as err:
            raise invalid_argument(f"Input '{name}': {err}") from None
        allowed = "b" if spec.is_bool else "biuf"
        if raw.dtype.kind not in allowed or raw.dtype == object:
            expected = "bool" if spec.is_bool else spec.dtype.name
            raise invalid_argument(
                f"Input '{name}': values are not of expected type: {expected} "
                "(or the lists have different lengths)"
            )
        array = raw.astype(spec.dtype)
    if spec.shape is not None and not _compatible(array.shape, spec.shape):
        raise invalid_argument(
            f"Input '{name}' has shape {list(array.shape)}, which is incompatible with "
            f"the signature's {[-1 if d is None else d for d in spec.shape]}"
        )
    return array


def _compatible(shape: tuple[int, ...], expected: tuple[int | None, ...]) -> bool:
    return len(shape) == len(expected) and all(e is None or e == s for s, e in zip(shape, expected))


def _is_b64(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"b64"}


def _strings(value: Any) -> Any:
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if _is_b64(value):
        try:
            return base64.b64decode(value["b64"], validate=True)
        except (ValueError, TypeError):
            raise invalid_argument("Unable to base64 decode") from None
    if isinstance(value, str):
        return value.encode("utf-8")
    raise invalid_argument(f"Expected a string value, got {json.dumps(value)[:80]}")


def encode_outputs(outputs: Mapping[str, np.ndarray], fmt: str) -> dict[str, Any]:
    """The response object for `outputs` in the request's format."""
    names = sorted(outputs)
    if fmt == COLUMNAR:
        if len(names) == 1:
            return {"outputs": _json_value(names[0], outputs[names[0]])}
        return {"outputs": {n: _json_value(n, outputs[n]) for n in names}}
    batch: int | None = None
    for name in names:
        shape = outputs[name].shape
        if not shape:
            raise invalid_argument(
                f"Tensor name: {name} has no shape information; use the columnar format ('inputs')"
            )
        if batch is not None and shape[0] != batch:
            raise invalid_argument(
                f"Tensor name: {name} has inconsistent batch size: {shape[0]} expecting: {batch}"
            )
        batch = shape[0]
    columns = {n: _json_value(n, outputs[n]) for n in names}
    if len(names) == 1:
        return {"predictions": columns[names[0]]}
    return {"predictions": [{n: columns[n][i] for n in names} for i in range(batch or 0)]}


def _json_value(name: str, array: np.ndarray) -> Any:
    if array.dtype == object or array.dtype.kind == "S":
        binary = name.endswith("_bytes")
        return _map(array.tolist(), lambda b: _string_out(b, binary))
    if array.dtype == np.float32:
        # float32 in its shortest form (0.1, not 0.10000000149011612), as TF Serving prints it.
        return _map(array.tolist(), lambda f: float(str(np.float32(f))) if np.isfinite(f) else f)
    return array.tolist()


def _string_out(value: bytes, binary: bool) -> Any:
    if binary:
        return {"b64": base64.b64encode(value).decode("ascii")}
    return value.decode("utf-8", errors="replace")


def _map(value: Any, fn: Any) -> Any:
    if isinstance(value, list):
        return [_map(v, fn) for v in value]
    return fn(value)
