"""Every configuration × format mints a credential that verifies with credentials/.

SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.2: ``vct``, ``cnf.jwk``, ``status.status_list``,
``exp``), ``vc+jwt`` (VC-JOSE-COSE §3.1.1) and Data Integrity (``eddsa-rdfc-2022`` by
default, ``ecdsa-rdfc-2019`` by setting), each with holder binding and a status entry, and
recorded in the register with its digest.

Gaia-X builder configurations are the exception, by design: their credential's subject is
the company as a Gaia-X participant (an id under the issuer), not the holder's key, and
they carry no status entry (reference gaia-x.md §1.2, §3; :mod:`issuer.minting.minter`).
They are verified with credentials/ too: the Loire ``gx:LegalPerson`` VC-JWT (PS256) and the
Tagus ``gx:LegalParticipant`` with its JsonWebSignature2020 proof.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from credentials import jws2020
from credentials.data_integrity import AssertionMethodPurpose, verify
from credentials.did.key import did_key_from_public_key
from credentials.errors import HolderBindingError
from credentials.jose import JosePolicy
from credentials.keys import generate_private_key, jwk_thumbprint, public_jwk
from credentials.sd_jwt_vc import DidKeyResolver, issuer_key_resolver, verify_sd_jwt_vc
from credentials.status_list.bitstring import ENTRY_TYPE
from credentials.vc_jose import verify_vc_jwt
from credentials.vcdm import validate_credential
from issuer.catalogue import ClaimsError, UnknownConfigurationError, load_catalogue
from issuer.catalogue.configuration import GAIA_X_PARTICIPANT_TYPE
from issuer.gaia_x import gaia_x_registry
from issuer.minting import HolderBinding, MintedCredential, SubjectIdentifiers, credential_digest
from issuer.status import IssuedCredential, StatusAllocation
from tests.issuer.minting.harness import (
    BASE_URL,
    DID,
    START,
    Issuer,
    di_resolver,
    issuer_on,
    jose_key_resolver,
    resolve_issuer_key,
)
from tests.issuer.minting.samples import SIREN, Identity, claims_for

CONFIGURATIONS = sorted(load_catalogue(BASE_URL).configurations)
HOLDER_KEY = generate_private_key("P-256")
HOLDER_JWK = public_jwk(HOLDER_KEY.public_key())
HOLDER_DID = did_key_from_public_key(HOLDER_KEY.public_key())
NOW = START.timestamp() + 5


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    with issuer_on(f"sqlite:///{tmp_path / 'issuer.db'}") as issuer:
        yield issuer


def _mint(
    issuer: Issuer, configuration_id: str, holder: HolderBinding | None = None
) -> MintedCredential:
    configuration = issuer.services.catalogue.get(configuration_id)
    claims = claims_for(configuration.kind_name)
    with issuer.sessions() as session, session.begin():
        return issuer.services.minter.mint(
            session,
            configuration_id=configuration_id,
            claims=claims,
            holder=holder or HolderBinding(jwk=HOLDER_JWK, did=HOLDER_DID),
            subject=SubjectIdentifiers.from_claims(claims, person_sub=Identity().sub),
        )


def _verify_sd_jwt(minted: MintedCredential) -> dict[str, Any]:
    assert isinstance(minted.credential, str)
    resolver = issuer_key_resolver(did=DidKeyResolver(resolve_issuer_key))
    verified = verify_sd_jwt_vc(
        minted.credential, issuer_key=resolver, now=NOW, require_key_binding=False
    )
    return verified.claims


def _check_gaia_x(issuer: Issuer, minted: MintedCredential, configuration_id: str) -> None:
    configuration = issuer.services.catalogue.get(configuration_id)
    claims = claims_for(configuration.kind_name)
    if configuration.builder == "gaia_x_loire":
        result = verify_vc_jwt(
            minted.credential,
            key_resolver=jose_key_resolver,
            now=NOW,
            policy=JosePolicy(algorithms=frozenset({"PS256"})),
        )
        assert result.verified, result.to_json()
        assert result.extra["header"]["alg"] == "PS256"
        document = result.claims
        subject = document["credentialSubject"]
        assert subject["schema:name"] == claims["legal_name"]
        assert subject["gx:legalAddress"]["vcard:postal-code"] == claims["address"]["postal_code"]
        assert validate_credential(document) == []
    else:
        assert isinstance(minted.credential, dict)
        document = minted.credential
        result = jws2020.verify(
            document,
            purpose=AssertionMethodPurpose(),
            resolver=di_resolver(),
            registry=gaia_x_registry(issuer.services.context_registry),
            now=START,
        )
        assert result.verified, result.to_json()
        subject = document["credentialSubject"]
        assert subject["gx:legalName"] == claims["legal_name"]
    assert document["type"] == configuration.credential_types
    assert document["issuer"] == DID
    assert subject["type"] == GAIA_X_PARTICIPANT_TYPE[configuration.builder]
    # The subject is the participant, not the holder; and no status entry is published.
    assert subject["id"].startswith(f"{BASE_URL}/issuer/gaia-x/participants/{SIREN}/")
    assert HOLDER_DID not in json.dumps(document)
    assert "credentialStatus" not in document
    assert minted.status_uri == ""


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_minted_credential_verifies(issuer: Issuer, configuration_id: str) -> None:
    minted = _mint(issuer, configuration_id)
    configuration = issuer.services.catalogue.get(configuration_id)
    expected_claims = claims_for(configuration.kind_name)
    exp = int((START + configuration.validity).timestamp())
    if configuration.builder is not None:
        _check_gaia_x(issuer, minted, configuration_id)
    elif configuration.format == "dc+sd-jwt":
        claims = _verify_sd_jwt(minted)
        assert claims["vct"] == f"{BASE_URL}/issuer/vct/{configuration.kind_name}"
        assert claims["cnf"] == {"jwk": HOLDER_JWK}
        assert claims["status"] == {
            "status_list": {"idx": minted.status_index, "uri": minted.status_uri}
        }
        assert claims["iat"] == claims["nbf"] == int(START.timestamp())
        assert claims["exp"] == exp
        assert claims["iss"] == DID
        for name, value in expected_claims.items():
            assert claims[name] == value
        assert minted.status_uri == f"{BASE_URL}/issuer/status/{minted.status_list_id}"
    elif configuration.format == "jwt_vc_json":
        result = verify_vc_jwt(minted.credential, key_resolver=jose_key_resolver, now=NOW)
        assert result.verified, result.to_json()
        assert result.extra["header"]["alg"] == "ES256"
        document = result.claims
        assert document["exp"] == exp
    else:
        assert isinstance(minted.credential, dict)
        document = minted.credential
        result = verify(
            document,
            purpose=AssertionMethodPurpose(),
            resolver=di_resolver(),
            registry=issuer.services.context_registry,
            now=START,
        )
        assert result.verified, result.to_json()
        assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    if configuration.format != "dc+sd-jwt" and configuration.builder is None:
        assert validate_credential(document) == []
        assert document["credentialSubject"]["id"] == HOLDER_DID
        assert document["type"] == configuration.credential_types
        assert document["id"] == minted.credential_id
        assert document["validUntil"] == (START + configuration.validity).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        statuses = document["credentialStatus"]
        assert [s["statusPurpose"] for s in statuses] == ["revocation", "suspension"]
        assert {s["type"] for s in statuses} == {ENTRY_TYPE}
        assert {s["statusListIndex"] for s in statuses} == {str(minted.status_index)}
        subject = {k: v for k, v in document["credentialSubject"].items() if k != "id"}
        assert subject == expected_claims


@pytest.mark.parametrize("configuration_id", CONFIGURATIONS)
def test_credential_is_recorded_before_it_is_returned(
    issuer: Issuer, configuration_id: str
) -> None:
    minted = _mint(issuer, configuration_id)
    with issuer.sessions() as session:
        row = session.get(IssuedCredential, minted.credential_id.removeprefix("urn:uuid:"))
    assert row is not None
    assert row.configuration_id == configuration_id
    assert row.digest_sha256 == credential_digest(minted.credential)
    assert row.holder_thumbprint == jwk_thumbprint(HOLDER_JWK)
    assert (row.status_list_id, row.status_index) == (minted.status_list_id, minted.status_index)
    assert row.person_sub == Identity().sub
    assert row.subject_siren is not None
    assert row.state == "valid"
    assert row.signing_kid.startswith(DID + "#")


def test_selectively_disclosable_claims_are_blinded(issuer: Issuer) -> None:
    minted = _mint(issuer, "company_registration_sd_jwt")
    assert isinstance(minted.credential, str)
    issuer_jwt = minted.credential.split("~", 1)[0]
    payload = json.loads(base64.urlsafe_b64decode(issuer_jwt.split(".")[1] + "=="))
    assert payload["siren"] == "552081317"
    for blinded in ("siret", "address", "vat_number", "legal_form"):
        assert blinded not in payload
    assert len(payload["_sd"]) >= 8


def test_ecdsa_cryptosuite_by_setting(tmp_path: Path) -> None:
    with issuer_on(f"sqlite:///{tmp_path / 'ec.db'}", cryptosuite="ecdsa-rdfc-2019") as issuer:
        metadata = issuer.services.catalogue.get("public_agent_ldp_vc").issuer_metadata()
        assert metadata["credential_signing_alg_values_supported"] == ["ecdsa-rdfc-2019"]
        minted = _mint(issuer, "public_agent_ldp_vc")
        assert isinstance(minted.credential, dict)
        assert minted.credential["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
        result = verify(
            minted.credential,
            purpose=AssertionMethodPurpose(),
            resolver=di_resolver(),
            registry=issuer.services.context_registry,
            now=START,
        )
        assert result.verified, result.to_json()


def test_vcdm_holder_without_did_gets_did_jwk(issuer: Issuer) -> None:
    minted = _mint(issuer, "public_agent_jwt_vc", HolderBinding(jwk=HOLDER_JWK))
    result = verify_vc_jwt(minted.credential, key_resolver=jose_key_resolver, now=NOW)
    assert result.claims["credentialSubject"]["id"].startswith("did:jwk:")


def test_two_credentials_get_distinct_ids_and_indices(issuer: Issuer) -> None:
    first = _mint(issuer, "public_agent_sd_jwt")
    second = _mint(issuer, "public_agent_sd_jwt")
    assert first.credential_id != second.credential_id
    assert (first.status_list_id, first.status_index) != (
        second.status_list_id,
        second.status_index,
    )


# Negative cases: each refusal leaves the register unchanged.


def _count(issuer: Issuer) -> int:
    with issuer.sessions() as session:
        return len(list(session.scalars(select(IssuedCredential.id))))


def test_unknown_configuration_refused(issuer: Issuer) -> None:
    with pytest.raises(UnknownConfigurationError), issuer.sessions() as session:
        issuer.services.minter.mint(
            session,
            configuration_id="no_such_configuration",
            claims={},
            holder=HolderBinding(jwk=HOLDER_JWK),
            subject=SubjectIdentifiers(),
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop("siren"), "mandatory claim siren"),
        (lambda c: c.update(email="x@example.fr"), "not defined"),
        (lambda c: c.update(legal_name=""), "non-empty string"),
        (lambda c: c.update(creation_date="01/01/1955"), "ISO 8601"),
        (lambda c: c["address"].update(floor="3"), "address.floor"),
        (lambda c: c.update(address="22 avenue de Wagram"), "object"),
    ],
    ids=["missing-mandatory", "unknown-claim", "empty", "bad-date", "unknown-nested", "not-object"],
)
def test_claims_that_do_not_fit_the_kind_are_refused(
    issuer: Issuer, change: Any, message: str
) -> None:
    claims = claims_for("company_registration")
    change(claims)
    with pytest.raises(ClaimsError, match=message), issuer.sessions() as session:
        issuer.services.minter.mint(
            session,
            configuration_id="company_registration_sd_jwt",
            claims=claims,
            holder=HolderBinding(jwk=HOLDER_JWK),
            subject=SubjectIdentifiers(),
        )
    assert _count(issuer) == 0


def test_holder_did_must_encode_the_proof_key() -> None:
    other = did_key_from_public_key(generate_private_key("P-256").public_key())
    with pytest.raises(HolderBindingError, match="does not encode"):
        HolderBinding(jwk=HOLDER_JWK, did=other)


@pytest.mark.parametrize(
    "did", ["did:web:wallet.example", "did:example:123"], ids=["did-web", "did-example"]
)
def test_holder_did_methods_are_key_and_jwk_only(did: str) -> None:
    with pytest.raises(HolderBindingError):
        HolderBinding.from_did(did)


def test_private_holder_key_refused() -> None:
    key = generate_private_key("Ed25519")
    jwk = {**public_jwk(key.public_key()), "d": "AAAA"}
    with pytest.raises(HolderBindingError):
        HolderBinding(jwk=jwk)


def test_holder_from_did_url_kid() -> None:
    binding = HolderBinding.from_did(f"{HOLDER_DID}#{HOLDER_DID.split(':')[2]}")
    assert binding.did == HOLDER_DID
    assert binding.thumbprint == jwk_thumbprint(HOLDER_JWK)


def test_failed_signing_rolls_the_allocation_back(tmp_path: Path) -> None:
    """Allocation, record and signature commit together: a failure leaves no trace."""

    def broken(_key_type: Any) -> Any:
        raise RuntimeError("HSM unavailable")

    with issuer_on(f"sqlite:///{tmp_path / 'x.db'}", signers=broken) as issuer:
        minter = issuer.services.minter
        claims = claims_for("public_agent")
        with pytest.raises(RuntimeError), issuer.sessions() as session, session.begin():
            minter.mint(
                session,
                configuration_id="public_agent_sd_jwt",
                claims=claims,
                holder=HolderBinding(jwk=HOLDER_JWK),
                subject=SubjectIdentifiers(),
            )
        with issuer.sessions() as session:
            assert list(session.scalars(select(StatusAllocation))) == []
        assert _count(issuer) == 0


def test_validity_comes_from_the_configuration(issuer: Issuer) -> None:
    minted = _mint(issuer, "public_agent_sd_jwt")
    assert minted.valid_until - minted.issued_at == timedelta(days=180)
