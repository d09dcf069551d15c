"""The error shape shared by every HTTP-facing protocol here.

RFC 6749 §5.2 defines the ``{"error", "error_description"}`` JSON object that OAuth 2.0,
OpenID Connect, OpenID4VCI and OpenID4VP all reuse. Each service subclasses
:class:`ProtocolError` once and then once per spec error code; the composition layer has a
single exception handler that renders any :class:`ProtocolError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class ProtocolError(Exception):
    """An error a client caused, rendered as ``{"error", "error_description"}``."""

    error: ClassVar[str] = "invalid_request"
    status_code: ClassVar[int] = 400

    def __init__(self, description: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.headers = headers or {}

    def to_json(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class InvalidRequest(ProtocolError):
    """RFC 6749 §5.2 ``invalid_request``: "The request is missing a required parameter,
    includes an unsupported parameter value […], or is otherwise malformed."
    """

    error = "invalid_request"


class NotFound(ProtocolError):
    """The addressed resource does not exist."""

    error = "not_found"
    status_code = 404


class Unauthorized(ProtocolError):
    """Credentials are missing or wrong (RFC 6750 §3.1 ``invalid_token`` uses 401)."""

    error = "unauthorized"
    status_code = 401


class Forbidden(ProtocolError):
    """The caller is known but may not do this."""

    error = "forbidden"
    status_code = 403


#: JSON Schema of the RFC 6749 §5.2 error object, for OpenAPI ``responses`` declarations.
#: Extra members (e.g. a connector API's ``problems`` list) are allowed.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {
        "error": {"type": "string", "description": "the spec's short error code"},
        "error_description": {"type": "string"},
    },
}


def error_responses(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error statuses a route can answer.

    ``descriptions`` maps each status to when it happens; every entry carries
    :data:`ERROR_SCHEMA` as its ``application/json`` body.
    """
    return {
        status: {
            "description": description,
            "content": {"application/json": {"schema": dict(ERROR_SCHEMA)}},
        }
        for status, description in descriptions.items()
    }
