"""OpenID4VP 1.0 error codes (§8.5) as :class:`ProtocolError` subclasses.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.5

Each class sets the spec's ``error`` value; one exception handler in the composition layer
renders ``{"error", "error_description"}``.
"""

from __future__ import annotations

from credentials.oauth_errors import ProtocolError


class Oid4vpError(ProtocolError):
    """Base of every OpenID4VP error raised by the verifier."""


class InvalidRequest(Oid4vpError):
    """``invalid_request``: malformed request, missing or unsupported parameter (RFC 6749
    §4.1.2.1, OpenID4VP §8.5), including an invalid DCQL query."""

    error = "invalid_request"


class InvalidRequestUriMethod(Oid4vpError):
    """``invalid_request_uri_method``: "The value of the ``request_uri_method`` request
    parameter is neither ``get`` nor ``post`` (case-sensitive)." (§8.5)"""

    error = "invalid_request_uri_method"


class InvalidRequestObject(Oid4vpError):
    """``invalid_request_object`` (RFC 9101 §7): the request object cannot be served, e.g.
    because it was already fetched once."""

    error = "invalid_request_object"


class VpFormatsNotSupported(Oid4vpError):
    """``vp_formats_not_supported``: "The Wallet does not support any of the formats
    requested by the Verifier" (§8.5); raised when the wallet metadata rules them all out."""

    error = "vp_formats_not_supported"


class AccessDenied(Oid4vpError):
    """``access_denied`` (RFC 6749 §4.1.2.1), e.g. the presentation does not satisfy the
    query."""

    error = "access_denied"


class InvalidTransaction(Oid4vpError):
    """The transaction is unknown, expired, already answered or in the wrong state.

    Not a code from the specification: the Response URI and the polling endpoint need a
    stable code for "this transaction cannot take that step".
    """

    error = "invalid_transaction"


class TransactionNotFound(Oid4vpError):
    """No transaction has this identifier."""

    error = "not_found"
    status_code = 404


class ResponseCodeRequired(Oid4vpError):
    """The result of a same-device transaction is only given with its ``response_code``
    (§8.2, "only the receiver of the redirect can fetch and process the response")."""

    error = "invalid_request"
    status_code = 403
