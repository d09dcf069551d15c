"""``issuer.oid4vci.adapters.subject_identifiers``: what the register row keeps of the
subject, in particular the person digest ``attestia revalidate`` re-checks."""

from __future__ import annotations

from typing import Any

import pytest

from issuer.oid4vci.adapters import subject_identifiers
from issuer.status import person_digest

REGISTER_DIGEST = person_digest("Camille Hélène", "DURAND-LEFÈVRE", "1978-04-12")
PERSON = {"given_name": "Camille Hélène", "family_name": "DURAND-LEFÈVRE", "siren": "918453721"}
CLAIMS_DIGEST = person_digest("Camille Hélène", "DURAND-LEFÈVRE")


def subject(**extra: Any) -> dict[str, Any]:
    return {"sub": "s-1", "siret": "91845372100014", **extra}


@pytest.mark.parametrize("kind", ["legal_representative", "executive_certification"])
def test_mandate_kinds_record_the_offer_mandate_digest(kind: str) -> None:
    identifiers = subject_identifiers(kind, PERSON, subject(mandate_digest=REGISTER_DIGEST))
    assert identifiers.person_digest == REGISTER_DIGEST
    assert identifiers.person_sub == "s-1"
    assert identifiers.siren == "918453721"


def test_a_legal_representative_without_one_keeps_the_claims_digest() -> None:
    """Its claims are the mandate's own names: the same digest the register gives."""
    assert subject_identifiers("legal_representative", PERSON, subject()).person_digest == (
        CLAIMS_DIGEST
    )


def test_an_executive_certification_without_one_records_no_digest() -> None:
    """Its claims hold the ProConnect spelling: no digest rather than a misleading one."""
    assert subject_identifiers("executive_certification", PERSON, subject()).person_digest is None


@pytest.mark.parametrize(
    "bad", [42, "", "not-a-digest", REGISTER_DIGEST.upper(), REGISTER_DIGEST + "0"]
)
def test_a_malformed_mandate_digest_is_not_recorded(bad: object) -> None:
    recorded = subject_identifiers("executive_certification", PERSON, subject(mandate_digest=bad))
    assert recorded.person_digest is None
    recorded = subject_identifiers("legal_representative", PERSON, subject(mandate_digest=bad))
    assert recorded.person_digest == CLAIMS_DIGEST


def test_other_kinds_ignore_a_mandate_digest() -> None:
    identifiers = subject_identifiers(
        "public_agent", PERSON, subject(mandate_digest=REGISTER_DIGEST)
    )
    assert identifiers.person_digest == CLAIMS_DIGEST
