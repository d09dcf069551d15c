"""Status service errors, rendered as ``{"error", "error_description"}``.

They subclass :class:`credentials.oauth_errors.ProtocolError` so that the composition
layer's single handler renders them; the codes are this service's own (no spec defines
revocation APIs).
"""

from __future__ import annotations

from credentials.oauth_errors import Forbidden, NotFound, ProtocolError


class StatusServiceError(ProtocolError):
    """Base class of the status and register errors."""

    error = "invalid_request"


class UnknownCredentialError(NotFound):
    """No credential with this identifier is in the register."""

    error = "unknown_credential"


class UnknownStatusListError(NotFound):
    """No status list with this identifier is published here."""

    error = "unknown_status_list"


class NotCredentialHolderError(Forbidden):
    """A person asked to change the status of a credential that was not issued to them."""

    error = "not_credential_holder"


class InvalidTransitionError(StatusServiceError):
    """The change does not apply to the credential's state (409).

    Revocation is final: a revoked credential is never reinstated nor suspended again
    (W3C Bitstring Status List v1.0 §2.1 ``revocation``: "a revoked credential cannot be
    reinstated"), and reinstatement applies to suspended credentials only.
    """

    error = "invalid_status_transition"
    status_code = 409


class AllocationError(StatusServiceError):
    """No free index was found (the list stopped being sparse: a bug or an attack)."""

    error = "server_error"
    status_code = 500
