"""The error codes of OpenID4VCI 1.0 and of the OAuth specifications it builds on.

One class per code, rendered by the composition layer's single handler as
``{"error", "error_description"}``. Each docstring quotes the definition the code carries.
"""

from __future__ import annotations

from typing import ClassVar

from credentials.oauth_errors import ProtocolError


class Oid4vciError(ProtocolError):
    """Base of every error the issuer's protocol endpoints answer with."""

    error: ClassVar[str] = "invalid_request"
    status_code: ClassVar[int] = 400


# RFC 6749 §5.2 (Token Endpoint) and §4.1.2.1 (Authorization Endpoint) ------------------


class InvalidRequest(Oid4vciError):
    """RFC 6749 §5.2 ``invalid_request``: "The request is missing a required parameter,
    includes an unsupported parameter value (other than grant type), repeats a parameter
    […] or is otherwise malformed." OpenID4VCI §6.3 adds: a Transaction Code sent when none
    is expected, or missing when one is.
    """

    error = "invalid_request"


class InvalidClient(Oid4vciError):
    """RFC 6749 §5.2 ``invalid_client``; OpenID4VCI §6.3: "The Client tried to send a Token
    Request with a Pre-Authorized Code without a Client ID but the Authorization Server does
    not support anonymous access."
    """

    error = "invalid_client"
    status_code = 401


class InvalidGrant(Oid4vciError):
    """RFC 6749 §5.2 ``invalid_grant``: "The provided authorization grant […] is invalid,
    expired, revoked, does not match the redirection URI used in the authorization request,
    or was issued to another client." OpenID4VCI §6.3: also a wrong Transaction Code, and a
    wrong or expired Pre-Authorized Code.
    """

    error = "invalid_grant"


class UnsupportedGrantType(Oid4vciError):
    """RFC 6749 §5.2 ``unsupported_grant_type``: "The authorization grant type is not
    supported by the authorization server."
    """

    error = "unsupported_grant_type"


class InvalidScope(Oid4vciError):
    """RFC 6749 §5.2 ``invalid_scope``: "The requested scope is invalid, unknown, malformed,
    or exceeds the scope granted by the resource owner."
    """

    error = "invalid_scope"


class InvalidAuthorizationDetails(Oid4vciError):
    """RFC 9396 §5 ``invalid_authorization_details``: the ``authorization_details`` are
    malformed, of an unknown type, or ask for something the AS does not offer.
    """

    error = "invalid_authorization_details"


class AccessDenied(Oid4vciError):
    """RFC 6749 §4.1.2.1 ``access_denied``: "The resource owner or authorization server
    denied the request."
    """

    error = "access_denied"
    status_code = 403


class UnsupportedResponseType(Oid4vciError):
    """RFC 6749 §4.1.2.1 ``unsupported_response_type``: "The authorization server does not
    support obtaining an authorization code using this method."
    """

    error = "unsupported_response_type"


class InvalidRequestUri(Oid4vciError):
    """RFC 9126 §4: an unknown, expired or already used ``request_uri`` is answered like
    "an invalid request_uri" (``invalid_request``, RFC 9101 §6.2 ``invalid_request_uri``).
    """

    error = "invalid_request_uri"


# RFC 9449 (DPoP) -----------------------------------------------------------------------


class InvalidDpopProof(Oid4vciError):
    """RFC 9449 §5 and §7.1 ``invalid_dpop_proof``: "The DPoP proof JWT is invalid" (at the
    token endpoint a 400; at a protected resource a 401 with ``WWW-Authenticate: DPoP``).
    """

    error = "invalid_dpop_proof"


class UseDpopNonce(Oid4vciError):
    """RFC 9449 §8 ``use_dpop_nonce``: "the authorization server requires a nonce value in
    DPoP proofs", given in the ``DPoP-Nonce`` header."""

    error = "use_dpop_nonce"


# RFC 6750 §3.1 (protected resources) ---------------------------------------------------


class InvalidToken(Oid4vciError):
    """RFC 6750 §3.1 ``invalid_token``: "The access token provided is expired, revoked,
    malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP 401
    (Unauthorized) status code." The ``WWW-Authenticate`` challenge is set by the caller.
    """

    error = "invalid_token"
    status_code = 401


class InsufficientScope(Oid4vciError):
    """RFC 6750 §3.1 ``insufficient_scope``: "The request requires higher privileges than
    provided by the access token." (403)"""

    error = "insufficient_scope"
    status_code = 403


# OpenID4VCI 1.0 §8.3.1.2 (Credential Request errors) ----------------------------------


class InvalidCredentialRequest(Oid4vciError):
    """§8.3.1.2 ``invalid_credential_request``: "The Credential Request is missing a
    required parameter, includes an unsupported parameter or parameter value, repeats the
    same parameter, or is otherwise malformed."
    """

    error = "invalid_credential_request"


class UnknownCredentialConfiguration(Oid4vciError):
    """§8.3.1.2 ``unknown_credential_configuration``: "Requested Credential Configuration is
    unknown."
    """

    error = "unknown_credential_configuration"


class UnknownCredentialIdentifier(Oid4vciError):
    """§8.3.1.2 ``unknown_credential_identifier``: "Requested Credential identifier is
    unknown."
    """

    error = "unknown_credential_identifier"


class InvalidProof(Oid4vciError):
    """§8.3.1.2 ``invalid_proof``: "The ``proofs`` parameter in the Credential Request is
    invalid: (1) if the field is missing, or (2) one of the provided key proofs is invalid,
    or (3) if at least one of the key proofs does not contain a ``c_nonce`` value."
    """

    error = "invalid_proof"


class InvalidNonce(Oid4vciError):
    """§8.3.1.2 ``invalid_nonce``: "at least one of the key proofs contains an invalid
    ``c_nonce`` value. The wallet should retrieve a new ``c_nonce`` value."
    """

    error = "invalid_nonce"


class InvalidEncryptionParameters(Oid4vciError):
    """§8.3.1.2 ``invalid_encryption_parameters``: "the encryption parameters in the
    Credential Request are either invalid or missing." This issuer does not encrypt
    responses, so any ``credential_response_encryption`` is answered with it.
    """

    error = "invalid_encryption_parameters"


class CredentialRequestDenied(Oid4vciError):
    """§8.3.1.2 ``credential_request_denied``: "The Credential Request has not been accepted
    by the Credential Issuer. The Wallet SHOULD treat this error as unrecoverable."
    """

    error = "credential_request_denied"


# §9.3 (Deferred Credential errors) -----------------------------------------------------


class InvalidTransactionId(Oid4vciError):
    """§9.3 ``invalid_transaction_id``: "the ``transaction_id`` was not issued by the
    respective Credential Issuer or it was already used to obtain a Credential."
    """

    error = "invalid_transaction_id"


# §11.3 (Notification errors) -----------------------------------------------------------


class InvalidNotificationId(Oid4vciError):
    """§11.3 ``invalid_notification_id``: "The ``notification_id`` in the Notification
    Request was invalid."
    """

    error = "invalid_notification_id"


class InvalidNotificationRequest(Oid4vciError):
    """§11.3 ``invalid_notification_request``: "The Notification Request is missing a
    required parameter, includes an unsupported parameter or parameter value, repeats the
    same parameter, or is otherwise malformed."
    """

    error = "invalid_notification_request"


class InvalidDpopProofAtResource(InvalidDpopProof):
    """RFC 9449 §7.1: at a protected resource an invalid DPoP proof is a 401 whose
    ``WWW-Authenticate: DPoP`` challenge carries ``error="invalid_dpop_proof"``."""

    status_code = 401
