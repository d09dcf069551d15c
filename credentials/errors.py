"""Errors raised by the standards library.

Every error carries a short ``code`` that is stable across releases (it becomes the check
code of a :class:`credentials.result.VerificationResult`) and a human-readable ``detail``.
Callers catch :class:`CredentialError`; anything else escaping this package is a bug.
"""

from __future__ import annotations


class CredentialError(Exception):
    """Base class: a credential, presentation, key or document was refused."""

    code: str = "invalid"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


class MalformedError(CredentialError):
    """The input cannot be parsed into the structure its format defines."""

    code = "malformed"


class DataModelError(CredentialError):
    """The input parses but breaks a rule of its data model."""

    code = "data_model"


class SignatureError(CredentialError):
    """A signature or proof does not verify, or uses a refused algorithm."""

    code = "signature"


class KeyResolutionError(CredentialError):
    """No acceptable key could be found for a signature (unknown kid, DID not resolvable)."""

    code = "key_resolution"


class ExpiredError(CredentialError):
    """The credential or token is past its expiry (``exp`` / ``validUntil``)."""

    code = "expired"


class NotYetValidError(CredentialError):
    """The credential or token is not yet valid (``nbf`` / ``validFrom`` / future ``iat``)."""

    code = "not_yet_valid"


class HolderBindingError(CredentialError):
    """Key binding failed: KB-JWT, nonce, audience, challenge, domain or subject mismatch."""

    code = "holder_binding"


class StatusError(CredentialError):
    """The status entry is malformed, unreachable or says revoked/suspended."""

    code = "status"


class KeyStoreError(CredentialError):
    """A key could not be loaded, decrypted or created."""

    code = "key_store"
