"""NUTS2 table, embedded contexts, facts from a decision, the x5u chain, the DID key extra."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from credentials.did.document import PublishedKey, build_did_document
from issuer.company.geography import subdivision_table
from issuer.eligibility import Decision
from issuer.gaia_x import (
    CertificateChainError,
    NotEligible,
    chain_url,
    gaia_x_published_key_extra,
    load_operator_chain,
    load_or_create_dev_chain,
    nuts2_for_address,
    nuts2_for_departement,
    participant_facts,
)
from issuer.gaia_x.context_documents import context_bytes, context_index, gaia_x_registry
from issuer.gaia_x.nuts import NUTS2_DEPARTEMENTS
from issuer.gaia_x.tagus import SUBDIVISION_PATTERN, tagus_subdivision_code
from issuer.gaia_x.vocabulary import (
    TAGUS_TERMS_AND_CONDITIONS,
    TAGUS_TERMS_AND_CONDITIONS_SHA256,
    text_sha256,
)
from issuer.gaia_x.x509_chain import DEV_MARKER
from tests.conftest import requires_shared
from tests.issuer.gaia_x.helpers import NOW, decision, deployment, other_rsa_key

# NUTS2 --------------------------------------------------------------------------------------

NUTS_CASES = [
    ("75", "FR10"),
    ("13", "FRL0"),
    ("69", "FRK2"),
    ("2A", "FRM0"),
    ("2B", "FRM0"),
    ("59", "FRE1"),
    ("33", "FRI1"),
    ("67", "FRF1"),
    ("35", "FRH0"),
    ("44", "FRG0"),
    ("31", "FRJ2"),
    ("21", "FRC1"),
    ("45", "FRB0"),
    ("76", "FRD2"),
    ("971", "FRY1"),
    ("972", "FRY2"),
    ("973", "FRY3"),
    ("974", "FRY4"),
    ("976", "FRY5"),
]


@pytest.mark.parametrize(("departement", "region"), NUTS_CASES, ids=[c[0] for c in NUTS_CASES])
def test_nuts2_of_departement(departement: str, region: str) -> None:
    assert nuts2_for_departement(departement) == region


def test_every_departement_has_one_nuts2_region_except_collectivities() -> None:
    listed = [d for deps in NUTS2_DEPARTEMENTS.values() for d in deps]
    assert len(listed) == len(set(listed))
    outside = set(subdivision_table()) - set(listed)
    assert outside <= {"975", "977", "978", "984", "986", "987", "988"}, outside
    assert len([d for d in listed if not d.startswith("97")]) == 96


@requires_shared
def test_nuts2_codes_are_in_the_loire_address_shape() -> None:
    from tests.conftest import SHARED

    assert SHARED is not None
    text = (SHARED / "gaia-x" / "loire" / "gx.shacl.ttl").read_text("utf-8")
    for region in NUTS2_DEPARTEMENTS:
        assert f'"{region}"' in text, region


def test_nuts2_for_address_prefers_commune_code_and_tolerates_unknowns() -> None:
    assert nuts2_for_address("75008", "75108") == "FR10"
    assert nuts2_for_address("20000", None) == "FRM0"
    assert nuts2_for_address("97500", None) is None  # Saint-Pierre-et-Miquelon
    assert nuts2_for_address(None, None) is None
    assert nuts2_for_address("ABCDE", None) is None


# Contexts -----------------------------------------------------------------------------------


def test_embedded_contexts_match_their_pins() -> None:
    for url, entry in context_index().items():
        assert hashlib.sha256(context_bytes(url)).hexdigest() == entry["sha256"]
    assert set(context_index()) <= gaia_x_registry().urls


@requires_shared
@pytest.mark.parametrize(
    ("url_part", "shared_file"),
    [
        ("trustframework#", "tagus/trustframework_context.json"),
        ("development#", "loire/gx.context.jsonld"),
    ],
    ids=["tagus", "loire"],
)
def test_embedded_contexts_are_the_published_documents(url_part: str, shared_file: str) -> None:
    from tests.conftest import SHARED

    assert SHARED is not None
    url = next(u for u in context_index() if u.endswith(url_part))
    assert context_bytes(url) == (SHARED / "gaia-x" / shared_file).read_bytes()


def test_terms_and_conditions_text_hash() -> None:
    assert len(TAGUS_TERMS_AND_CONDITIONS) == 557
    assert text_sha256(TAGUS_TERMS_AND_CONDITIONS) == TAGUS_TERMS_AND_CONDITIONS_SHA256


@pytest.mark.parametrize(
    ("code", "expected"),
    [("FR-75C", "FR-IDF"), ("FR-69", "FR-69"), ("FR-974", "FR-974"), ("FR-13", "FR-13")],
)
def test_tagus_subdivision_code_satisfies_the_shape_pattern(code: str, expected: str) -> None:
    assert tagus_subdivision_code(code) == expected
    assert SUBDIVISION_PATTERN.fullmatch(expected)


def test_corsica_has_no_code_the_tagus_pattern_accepts() -> None:
    assert tagus_subdivision_code("FR-2A") == "FR-2A"
    assert not SUBDIVISION_PATTERN.fullmatch("FR-2A")


# Facts --------------------------------------------------------------------------------------


def test_facts_from_a_lyon_decision() -> None:
    facts = participant_facts(decision())
    assert facts.vat_id == "FR03552081317"
    assert facts.legal_address.subdivision_code == "FR-69"
    assert facts.legal_address.nuts2 == "FRK2"
    assert facts.headquarters_address == facts.legal_address


def test_refused_decision_gives_no_facts() -> None:
    with pytest.raises(NotEligible):
        participant_facts(Decision("gaia_x_participant", False))
    with pytest.raises(NotEligible):
        participant_facts(Decision("company_registration", True))


# x5u chain ----------------------------------------------------------------------------------


def test_dev_chain_certifies_the_issuer_key_and_is_marked() -> None:
    dep = deployment()
    certificates = x509.load_pem_x509_certificates(dep.chain.pem.encode())
    assert len(certificates) == 2
    leaf_ou = certificates[0].subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    assert [a.value for a in leaf_ou] == [DEV_MARKER]
    certificates[0].verify_directly_issued_by(certificates[1])
    assert dep.chain.development


def test_operator_chain_must_certify_the_issuer_key(tmp_path: Path) -> None:
    dep = deployment()
    path = tmp_path / "chain.pem"
    path.write_text(dep.chain.pem)
    assert load_operator_chain(path, dep.signer.public_key()).pem == dep.chain.pem
    with pytest.raises(CertificateChainError, match="not the issuer's RSA key"):
        load_operator_chain(path, other_rsa_key().public_key())
    path.write_text("not a chain")
    with pytest.raises(CertificateChainError):
        load_operator_chain(path, dep.signer.public_key())


def test_dev_chain_is_kept_and_renewed_for_a_new_key(tmp_path: Path) -> None:
    path = tmp_path / "gaia-x" / "dev-chain.pem"
    key = deployment().signer.public_key()
    first = load_or_create_dev_chain(path, key, host="attestia.example.fr", now=NOW)
    assert load_or_create_dev_chain(path, key, host="attestia.example.fr", now=NOW).pem == first.pem
    later = NOW + timedelta(days=400)
    assert load_or_create_dev_chain(path, key, host="h", now=later).pem != first.pem
    other = load_or_create_dev_chain(path, other_rsa_key().public_key(), host="h", now=NOW)
    assert other.pem != first.pem


def test_did_document_rsa_key_carries_x5u() -> None:
    dep = deployment()
    extra = gaia_x_published_key_extra(chain_url("https://attestia.example.fr/"))
    document = build_did_document(
        "did:web:attestia.example.fr", [PublishedKey("k", dep.signer.public_key(), jwk_extra=extra)]
    )
    jwk = document["verificationMethod"][0]["publicKeyJwk"]
    assert jwk["x5u"] == "https://attestia.example.fr/.well-known/x509-chain.pem"
    assert jwk["alg"] == "PS256"
