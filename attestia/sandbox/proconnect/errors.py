"""Errors the sandbox OpenID Provider answers with (RFC 6749 §4.1.2.1 and §5.2)."""

from __future__ import annotations

from credentials.oauth_errors import ProtocolError


class SandboxOAuthError(ProtocolError):
    """An OAuth 2.0 / OIDC error of the sandbox provider."""


class InvalidRequestError(SandboxOAuthError):
    """RFC 6749 §5.2 ``invalid_request``: "The request is missing a required parameter,
    includes an unsupported parameter value […], or is otherwise malformed."""

    error = "invalid_request"


class InvalidClientError(SandboxOAuthError):
    """RFC 6749 §5.2 ``invalid_client``: "Client authentication failed"."""

    error = "invalid_client"
    status_code = 401


class InvalidGrantError(SandboxOAuthError):
    """RFC 6749 §5.2 ``invalid_grant``: the code "is invalid, expired, revoked, does not
    match the redirection URI used in the authorization request, or was issued to another
    client" (also a failed PKCE verification, RFC 7636 §4.6)."""

    error = "invalid_grant"


class UnsupportedGrantTypeError(SandboxOAuthError):
    """RFC 6749 §5.2 ``unsupported_grant_type``."""

    error = "unsupported_grant_type"


class InvalidTokenError(SandboxOAuthError):
    """RFC 6750 §3.1 ``invalid_token``: "The access token provided is expired, revoked,
    malformed, or invalid"."""

    error = "invalid_token"
    status_code = 401


class RedirectableError(SandboxOAuthError):
    """An authorization error returned to the client's ``redirect_uri`` (RFC 6749
    §4.1.2.1); ``error`` is set per instance."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.code = error
