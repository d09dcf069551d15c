"""The issued-credential register: recording credentials and reading them back.

What is kept (and what is not): identifiers of the subject organisation (SIREN, SIRET),
the person's ProConnect ``sub`` (to let them revoke their own credentials) and a SHA-256
of their normalised names (to re-check a mandate), the holder key's RFC 7638 thumbprint,
the status list and index, the signing key id, the validity window, the SHA-256 of the
credential exactly as issued and its state. Never the credential itself, nor the claims.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.status.models import IssuedCredential
from issuer.status.revocation import register_key


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().replace("-", " ").split())


def person_digest(given_name: str, family_name: str, birth_date: str | None = None) -> str:
    """SHA-256 (hex) of the normalised names (and birth date): a pseudonym, not a secret.

    Accents, case, hyphens and repeated spaces do not matter, so the same person read
    from ProConnect and from the RNE gives the same digest.
    """
    text = "|".join((_normalise(given_name), _normalise(family_name), birth_date or ""))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SubjectIdentifiers:
    """Who a credential is about, reduced to what revocation and re-checks need."""

    siren: str | None = None
    siret: str | None = None
    person_sub: str | None = None
    person_digest: str | None = None

    @classmethod
    def from_claims(
        cls, claims: Mapping[str, Any], *, person_sub: str | None
    ) -> SubjectIdentifiers:
        """Take the SIREN/SIRET and the name digest from a kind's claims."""
        siret = claims.get("siret") or claims.get("administration_siret")
        siren = claims.get("siren") or (siret[:9] if isinstance(siret, str) else None)
        given, family = claims.get("given_name"), claims.get("family_name")
        digest = None
        if isinstance(given, str) and isinstance(family, str):
            birth = claims.get("birth_date")
            digest = person_digest(given, family, birth if isinstance(birth, str) else None)
        return cls(
            siren=siren if isinstance(siren, str) else None,
            siret=siret if isinstance(siret, str) else None,
            person_sub=person_sub,
            person_digest=digest,
        )


def get_credential(session: Session, credential_id: str) -> IssuedCredential | None:
    """The register row of ``credential_id`` (``urn:uuid:…`` or bare UUID)."""
    return session.get(IssuedCredential, register_key(credential_id))


def credentials_of_person(session: Session, person_sub: str) -> list[IssuedCredential]:
    """Every credential issued to the ProConnect ``sub``, newest first (for the portal)."""
    return list(
        session.scalars(
            select(IssuedCredential)
            .where(IssuedCredential.person_sub == person_sub)
            .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id)
        )
    )


def live_credentials(session: Session, now: datetime) -> list[IssuedCredential]:
    """Credentials not revoked and not expired (what ``attestia revalidate`` re-checks)."""
    return list(
        session.scalars(
            select(IssuedCredential)
            .where(IssuedCredential.state != "revoked", IssuedCredential.valid_until > now)
            .order_by(IssuedCredential.issued_at, IssuedCredential.id)
        )
    )
