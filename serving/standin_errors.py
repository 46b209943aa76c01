"""Errors of the TF Serving stand-in, named by TensorFlow status codes.

TF Serving answers every failed REST call with ``{"error": "<message>"}`` and
an HTTP status derived from the status code (tensorflow_serving/model_servers/
http_server.cc). The stand-in raises :class:`ServingError` with the code TF
Serving would use, and the server maps it the same way.
"""

from __future__ import annotations

# TensorFlow status code -> HTTP status, as TF Serving maps them.
HTTP_STATUS = {
    "OK": 200,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}


class ServingError(Exception):
    """A failed call: ``code`` is a TensorFlow status code name (``INVALID_ARGUMENT``)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code if code in HTTP_STATUS else "UNKNOWN"
        self.message = message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


def invalid_argument(message: str) -> ServingError:
    """The request is wrong (HTTP 400)."""
    return ServingError("INVALID_ARGUMENT", message)


def not_found(message: str) -> ServingError:
    """No such model, version or label (HTTP 404)."""
    return ServingError("NOT_FOUND", message)


def from_exception(err: BaseException) -> ServingError:
    """The ServingError for an exception TensorFlow (or the OS) raised."""
    if isinstance(err, ServingError):
        return err
    code = getattr(err, "error_code", None)
    if isinstance(code, int):
        # tf.errors.OpError: its code is a tensorflow.error.Code number.
        from tensorflow.core.protobuf import error_codes_pb2

        try:
            return ServingError(error_codes_pb2.Code.Name(code), getattr(err, "message", str(err)))
        except ValueError:
            pass
    if isinstance(err, FileNotFoundError):
        return ServingError("NOT_FOUND", str(err))
    if isinstance(err, (ValueError, TypeError)):
        return ServingError("INVALID_ARGUMENT", str(err))
    return ServingError("UNKNOWN", f"{type(err).__name__}: {err}")
