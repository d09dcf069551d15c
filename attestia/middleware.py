"""ASGI middleware: request ids and request body size limits."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attestia.logging_setup import request_id_var

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DEFAULT_MAX_BODY = 1024 * 1024


access_logger = logging.getLogger("attestia.access")


class RequestIdMiddleware:
    """Takes a well-formed ``X-Request-ID`` or makes one; echoes it on the response.

    Also writes the access log: method, path and status only. Query strings are left out
    because OAuth redirects carry codes and states in them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(8)
        token = request_id_var.set(request_id)

        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            # Keep the id set: the unhandled-error handler runs outside this middleware
            # (Starlette's ServerErrorMiddleware) and its log line must carry it. Each
            # request runs in its own task, so the value does not reach another request.
            self._log(scope, status, started)
            raise
        self._log(scope, status, started)
        request_id_var.reset(token)

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        access_logger.info(
            "%s %s %s %.1fms",
            scope.get("method", "-"),
            scope.get("path", "-"),
            status,
            (time.perf_counter() - started) * 1000,
        )


class BodySizeLimitMiddleware:
    """Answers 413 ``request_too_large`` when a body exceeds the limit (declared or read)."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": "request_too_large",
                "error_description": f"request body exceeds {self.max_body} bytes",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._reject(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413, f"request body exceeds {self.max_body} bytes")
            return message

        await self.app(scope, limited_receive, send)
