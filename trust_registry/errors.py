"""Errors of the trust registry service, each with a stable ``error`` code.

They are :class:`credentials.oauth_errors.ProtocolError` subclasses, so the composition
layer's single exception handler renders them as ``{"error", "error_description"}`` with the
right HTTP status. The TRQP HTTPS binding (ToIP TRQP v2, "HTTPS Binding", Error Handling)
maps "entity, authority, or assertion not recognized" to 404, which is
:class:`NotFoundError`.
"""

from __future__ import annotations

from credentials.oauth_errors import ProtocolError


class RegistryError(ProtocolError):
    """Base class: a registry request was refused and nothing was changed."""

    error = "invalid_request"
    status_code = 400


class InvalidEntryError(RegistryError):
    """A field is malformed (DID, SIREN, country, thumbprint, validity window...)."""

    error = "invalid_request"


class NotFoundError(RegistryError):
    """The entity, authority, action, type, administrator or token is unknown."""

    error = "not_found"
    status_code = 404


class ConflictError(RegistryError):
    """The write collides with existing data (a DID or type registered twice)."""

    error = "conflict"
    status_code = 409


class InvalidTransitionError(RegistryError):
    """A status change that the life cycle does not allow (suspend a suspended entity)."""

    error = "invalid_transition"
    status_code = 409


class EntityCancelledError(RegistryError):
    """The entity is cancelled; cancellation is terminal and refuses every later write.

    ARF annex 2 Reg_20a/22a let a registrar cancel a provider; like revocation (VCR_04)
    it is never undone.
    """

    error = "entity_cancelled"
    status_code = 409


class InvalidTokenError(RegistryError):
    """The API token is unknown, expired or revoked (RFC 6750 §3.1 ``invalid_token``)."""

    error = "invalid_token"
    status_code = 401


class InsufficientScopeError(RegistryError):
    """The token lacks the scope the call needs (RFC 6750 §3.1 ``insufficient_scope``)."""

    error = "insufficient_scope"
    status_code = 403
