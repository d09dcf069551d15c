"""The catalogue's Gaia-X builder configurations mint through the ordinary minter and are
recorded in the register (digest, configuration, SIREN) without a status entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from attestia.services import build_services
from attestia.settings import load_settings
from credentials import multiformats as mf
from credentials.jsonld import ContextRegistry
from credentials.keys import generate_private_key, public_jwk
from issuer.catalogue import ClaimsError, load_catalogue
from issuer.minting import HolderBinding, SubjectIdentifiers
from issuer.minting.minter import credential_digest
from issuer.minting.services import build_issuer_services
from issuer.status.models import IssuedCredential
from tests.gaia_x_wiring.conftest import BASE_URL

SIREN = "918453721"
CLAIMS: dict[str, Any] = {
    "siren": "918453721",
    "legal_name": "ATELIER NUMÉRIQUE SAS",
    "vat_number": "FR32918453721",
    "address": {
        "street_address": "12 RUE DE LA PAIX",
        "postal_code": "75002",
        "locality": "PARIS",
        "commune_code": "75102",
        "country_code": "FR",
    },
}


@pytest.fixture
def minted_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    services = build_services(load_settings(data_dir=tmp_path / "var", base_url=BASE_URL))
    issuer = build_issuer_services(
        sessions=services.sessions,
        signers=lambda key_type: services.keys.signer("issuer", key_type),
        base_url=BASE_URL,
        did=services.did,
        clock=lambda: datetime.now(UTC),
        context_registry=ContextRegistry.standard(),
    )
    yield services, issuer
    services.engine.dispose()


def _holder() -> HolderBinding:
    key = generate_private_key("P-256").public_key()
    jwk = public_jwk(key)
    return HolderBinding(jwk=jwk, did="did:jwk:" + mf.b64url_encode(json.dumps(jwk).encode()))


@pytest.mark.parametrize(
    ("configuration_id", "participant_type"),
    [
        ("gaia_x_participant_jwt_vc", "gx:LegalPerson"),
        ("gaia_x_participant_ldp_vc", "gx:LegalParticipant"),
    ],
)
def test_gaia_x_configuration_mints_and_records(
    minted_env: Any, configuration_id: str, participant_type: str
) -> None:
    services, issuer = minted_env
    with issuer.sessions.begin() as session:
        minted = issuer.minter.mint(
            session,
            configuration_id=configuration_id,
            claims=CLAIMS,
            holder=_holder(),
            subject=SubjectIdentifiers(siren=SIREN),
        )
    credential = minted.credential
    if isinstance(credential, str):
        document = json.loads(mf.b64url_decode(credential.split(".")[1]))
        assert participant_type in document["type"]
    else:
        document = credential
        assert document["credentialSubject"]["type"] == participant_type
        assert document["credentialSubject"]["gx:headquarterAddress"] == {
            "gx:countrySubdivisionCode": "FR-IDF"
        }
        assert document["proof"]["type"] == "JsonWebSignature2020"
    assert "credentialStatus" not in document
    assert minted.status_uri == ""
    assert minted.signing_kid == services.keys.signer("issuer", "RSA").kid
    with issuer.sessions() as session:
        row = session.scalar(
            select(IssuedCredential).where(IssuedCredential.configuration_id == configuration_id)
        )
    assert row is not None
    assert row.subject_siren == SIREN
    assert row.digest_sha256 == credential_digest(credential)


def test_incomplete_claims_are_refused(minted_env) -> None:  # type: ignore[no-untyped-def]
    _services, issuer = minted_env
    with pytest.raises(ClaimsError), issuer.sessions.begin() as session:
        issuer.minter.mint(
            session,
            configuration_id="gaia_x_participant_jwt_vc",
            claims={k: v for k, v in CLAIMS.items() if k != "vat_number"},
            holder=_holder(),
            subject=SubjectIdentifiers(siren=SIREN),
        )


def test_default_catalogue_offers_gaia_x_in_loire_and_tagus() -> None:
    offered = load_catalogue(BASE_URL).by_kind("gaia_x_participant")
    assert {(c.id, c.format, c.builder) for c in offered} == {
        ("gaia_x_participant_jwt_vc", "jwt_vc_json", "gaia_x_loire"),
        ("gaia_x_participant_ldp_vc", "ldp_vc", "gaia_x_tagus"),
    }
