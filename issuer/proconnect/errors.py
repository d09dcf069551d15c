"""Errors of the ProConnect login, each with a stable ``error`` code.

They extend :class:`credentials.oauth_errors.ProtocolError` so that the JSON handler can
render them; the login routes also render them as an HTML page. ``message_fr`` is what a
person reads on that page.
"""

from __future__ import annotations

from typing import ClassVar

from credentials.oauth_errors import ProtocolError


class OIDCError(ProtocolError):
    """A login that cannot complete; nothing is stored when it is raised."""

    error = "login_failed"
    status_code = 400
    message_fr: ClassVar[str] = "La connexion n'a pas pu aboutir."


class InvalidStateError(OIDCError):
    """OIDC Core §3.1.2.7 / RFC 6749 §10.12: the ``state`` does not match a login this
    browser started (cross-site request forgery, replay, or an expired login)."""

    error = "invalid_state"
    message_fr = (
        "Cette réponse de connexion ne correspond à aucune connexion en cours dans ce "
        "navigateur (lien expiré, déjà utilisé ou falsifié)."
    )


class ProviderDeniedError(OIDCError):
    """The provider redirected back with ``error=`` (OIDC Core §3.1.2.6)."""

    error = "provider_error"
    status_code = 403
    message_fr = "ProConnect a refusé ou interrompu la connexion."


class InvalidIdTokenError(OIDCError):
    """The id_token fails a check of OIDC Core §3.1.3.7."""

    error = "invalid_id_token"
    message_fr = "Le jeton d'identité reçu de ProConnect n'est pas valide."


class InvalidUserinfoError(OIDCError):
    """The userinfo response fails OIDC Core §5.3.2 (signature, ``iss``/``aud``, ``sub``)."""

    error = "invalid_userinfo"
    message_fr = "Les informations d'identité reçues de ProConnect ne sont pas valides."


class CertificationMissingError(OIDCError):
    """Certification dirigeant was required but the id_token's ``acr`` does not carry it
    (reference §1.6: the FS "must verify the acr in the id_token on the server side")."""

    error = "certification_missing"
    status_code = 403
    message_fr = (
        "La certification dirigeant est requise, mais ProConnect ne l'a pas attestée pour "
        "cette connexion."
    )


class TokenRequestFailedError(OIDCError):
    """The token endpoint refused the code (RFC 6749 §5.2) or answered unusably."""

    error = "token_request_failed"
    status_code = 400
    message_fr = "ProConnect n'a pas accepté le code de connexion."


class ProviderUnavailableError(OIDCError):
    """Discovery, JWKS, token or userinfo could not be fetched (timeout, 5xx, bad JSON)."""

    error = "provider_unavailable"
    status_code = 502
    message_fr = "ProConnect est momentanément injoignable. Réessayez dans quelques minutes."
