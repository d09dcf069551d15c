"""The holder key a credential is bound to, from the wallet's OpenID4VCI proof.

OpenID4VCI 1.0 §8.2.1 / Appendix F.1: the ``jwt`` proof names the key by ``jwk`` or by a
``kid`` that is a DID URL. SD-JWT VC binds it as ``cnf.jwk`` (RFC 7800,
draft-ietf-oauth-sd-jwt-vc §3.2.2.2); VCDM credentials bind the holder DID as
``credentialSubject.id``. When a VCDM credential is requested with a bare ``jwk`` proof the
DID is the key's ``did:jwk``. A DID given with the key must encode that same key (the
thumbprints are compared), so a proof cannot bind one key and name another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from credentials.did.jwk import did_jwk_from_jwk, jwk_from_did_jwk
from credentials.did.key import public_key_from_did_key
from credentials.errors import CredentialError, HolderBindingError
from credentials.keys import jwk_thumbprint, public_jwk, public_key_from_jwk

HOLDER_DID_METHODS: Final = frozenset({"did:key", "did:jwk"})
_PUBLIC_MEMBERS: Final = {"kty", "crv", "x", "y", "n", "e"}


def did_method(did: str) -> str:
    parts = did.split(":", 2)
    return ":".join(parts[:2]) if len(parts) == 3 else ""


def _did_jwk(did: str) -> dict[str, Any]:
    if did.startswith("did:key:"):
        return public_jwk(public_key_from_did_key(did))
    if did.startswith("did:jwk:"):
        return jwk_from_did_jwk(did)
    raise HolderBindingError(f"holder DIDs are did:key or did:jwk, not {did_method(did)!r}")


@dataclass(frozen=True, slots=True)
class HolderBinding:
    """The holder's public JWK and, optionally, the DID that names it (no fragment)."""

    jwk: Mapping[str, Any]
    did: str | None = None
    thumbprint: str = field(init=False)

    def __post_init__(self) -> None:
        try:
            public_key_from_jwk(self.jwk)
            thumbprint = jwk_thumbprint(self.jwk)
            if self.did is not None:
                if "#" in self.did or "?" in self.did or "/" in self.did:
                    raise HolderBindingError("the holder DID must be a DID, not a DID URL")
                if jwk_thumbprint(_did_jwk(self.did)) != thumbprint:
                    raise HolderBindingError("the holder DID does not encode the proof key")
        except HolderBindingError:
            raise
        except CredentialError as exc:
            raise HolderBindingError(f"unusable holder key: {exc.detail}") from None
        object.__setattr__(self, "jwk", {k: v for k, v in self.jwk.items() if k in _PUBLIC_MEMBERS})
        object.__setattr__(self, "thumbprint", thumbprint)

    @classmethod
    def from_did(cls, did_or_url: str) -> HolderBinding:
        """From a proof ``kid`` (a did:key / did:jwk DID URL) or a bare DID."""
        did = did_or_url.split("#", 1)[0]
        try:
            jwk = _did_jwk(did)
        except HolderBindingError:
            raise
        except CredentialError as exc:
            raise HolderBindingError(f"cannot read the holder DID: {exc.detail}") from None
        return cls(jwk=jwk, did=did)

    def subject_did(self) -> str:
        """``credentialSubject.id`` for VCDM: the DID, else the key's did:jwk."""
        return self.did if self.did is not None else did_jwk_from_jwk(self.jwk)
