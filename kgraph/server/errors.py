"""One JSON error shape for every failure the server reports.

``{"error": code, "message": one line, "hint"?: ..., ...}`` — exactly
:meth:`kgraph.errors.KGraphError.to_dict`. Unexpected exceptions become a generic 500 with no
message from the exception, no traceback and no file path; the details go to the server log.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kgraph.errors import KGraphError

log = logging.getLogger("kgraph.server")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class HTTPProblem(KGraphError):
    """A protocol-level error with its own HTTP status (405, 406, 414, 415, 401, 403...)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.headers = headers or {}


def error_response(exc: KGraphError, *, cors: bool = False) -> Response:
    body: dict[str, Any] = exc.to_dict()
    # one line: a message never carries a newline (nor a traceback)
    body["message"] = str(body.get("message", "")).splitlines()[0] if body.get("message") else ""
    headers = dict(SECURITY_HEADERS)
    headers.update(getattr(exc, "headers", {}) or {})
    retry = getattr(exc, "retry_after", None)
    if retry is not None:
        headers["Retry-After"] = str(retry)
    if cors:
        headers["Access-Control-Allow-Origin"] = "*"
    status = exc.status if 300 <= exc.status <= 599 else 500
    return JSONResponse(body, status_code=status, headers=headers)


def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(KGraphError("internal error; the server log has the details"))
