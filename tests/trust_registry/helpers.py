"""Small builders shared by the registry tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from trust_registry import registry
from trust_registry.history import EntityState

ADMIN = "admin@numerique.gouv.fr"
ISSUER = "did:web:issuer.example.fr"
OTHER = "did:web:other.example.fr"
REGISTRY = "did:web:registry.example.gouv.fr"
VCT = "https://attestia.example/vct/company-registration"
SIREN = "130025265"  # DINUM


def register(
    session: Session, *, did: str = ISSUER, now: datetime, siren: str | None = SIREN
) -> EntityState:
    state = registry.create_entity(
        session,
        did=did,
        legal_name="Direction interministérielle du numérique",
        siren=siren,
        contact="mailto:contact@example.fr",
        jwk_thumbprints=["NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"],
        x509_thumbprints=["AB:" * 31 + "AB"],
        actor=ADMIN,
        reason="onboarding",
        now=now,
    )
    session.commit()
    return state
