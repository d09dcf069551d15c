"""One place that turns every error into ``{"error", "error_description"}`` JSON.

Protocol errors (:class:`credentials.oauth_errors.ProtocolError` subclasses) keep their
spec code and status; framework errors map to ``invalid_request`` / ``not_found`` /
``method_not_allowed``; anything unexpected becomes a 500 ``server_error`` whose details go
to the log (with the request id), never to the client.

The OpenAPI document says so too: FastAPI's generated ``422`` (which this handler never
sends) becomes a ``400`` error object, and every operation that takes a body declares the
``413`` of :class:`attestia.middleware.BodySizeLimitMiddleware`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from attestia.logging_setup import request_id_var
from credentials.oauth_errors import ProtocolError, error_responses

logger = logging.getLogger("attestia.errors")

_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def error_response(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "malformed request"


_BODY_METHODS = frozenset({"post", "put", "patch"})
_VALIDATION = error_responses({400: "a parameter or the body does not match this schema"})
_TOO_LARGE = error_responses({413: "the request body exceeds the size limit"})


def document_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI document's responses to what the handlers here really send."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None:
                responses.setdefault("400", _VALIDATION[400])
            if method in _BODY_METHODS:
                responses.setdefault("413", _TOO_LARGE[413])
    return schema


def _openapi_with_error_responses(app: FastAPI) -> Callable[[], dict[str, Any]]:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_error_responses(generate())
        return app.openapi_schema

    return openapi


def install_error_handlers(app: FastAPI) -> None:
    app.openapi = _openapi_with_error_responses(app)  # type: ignore[method-assign]

    @app.exception_handler(ProtocolError)
    async def _protocol(_request: Request, exc: ProtocolError) -> JSONResponse:
        return error_response(exc.status_code, exc.error, exc.description, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(
            exc.status_code, "server_error" if exc.status_code >= 500 else "invalid_request"
        )
        detail = exc.detail if isinstance(exc.detail, str) else code
        return error_response(exc.status_code, code, detail, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        request_id = request_id_var.get()
        headers = {"X-Request-ID": request_id} if request_id != "-" else None
        return error_response(
            500,
            "server_error",
            f"internal error; see the server log (request {request_id})",
            headers,
        )
