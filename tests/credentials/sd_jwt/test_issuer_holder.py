"""Issuance shapes (RFC 9901 §4, §5) and holder selection by claim path (§6)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from credentials import multiformats as mf
from credentials.errors import MalformedError
from credentials.sd_jwt import (
    SD,
    DisclosureError,
    SelectionError,
    create_presentation,
    issue_sd_jwt,
)
from credentials.sd_jwt.verifier import check_sd_jwt
from tests.credentials.sd_jwt.conftest import ISS, NOW, fixed_key

CLAIMS: dict[str, Any] = {
    "iss": ISS,
    "given_name": SD("Erika"),
    "address": SD({"street": SD("Heidestraße 17"), "locality": SD("Köln"), "country": "DE"}),
    "nationalities": [SD("DE"), "FR", SD({"code": SD("IT"), "since": 2001})],
}


def _counter_salt() -> Any:
    counter = itertools.count()
    return lambda: next(counter).to_bytes(16, "big")


def _verify(text: str, signer: Any) -> dict[str, Any]:
    result, _ = check_sd_jwt(
        text, issuer_key=fixed_key(signer.public_key()), now=NOW, require_key_binding=False
    )
    assert result.verified, result.failed
    return result.claims


def test_issued_payload_shape(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt")
    payload = issued.payload
    assert payload["_sd_alg"] == "sha-256"
    assert set(payload) == {"iss", "_sd", "_sd_alg", "nationalities"}
    assert len(payload["_sd"]) == 2
    assert payload["_sd"] == sorted(payload["_sd"])
    assert payload["nationalities"][1] == "FR"
    assert set(payload["nationalities"][0]) == {"..."}
    assert len(issued.disclosures) == 7
    header = json.loads(mf.b64url_decode(issued.issuer_jwt.split(".")[0]))
    assert header == {"alg": "ES256", "typ": "dc+sd-jwt", "kid": issuer_signer.kid}


def test_salts_come_from_the_injected_source(issuer_signer) -> None:
    first = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt", salt=_counter_salt())
    second = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt", salt=_counter_salt())
    assert [d.encoded for d in first.disclosures] == [d.encoded for d in second.disclosures]
    assert first.payload == second.payload
    default = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt")
    assert len({d.salt for d in default.disclosures}) == 7
    assert all(len(mf.b64url_decode(d.salt)) == 16 for d in default.disclosures)


def test_decoys_are_added_and_vanish(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt", decoys=3)
    assert len(issued.payload["_sd"]) == 2 + 3
    assert len(issued.payload["nationalities"]) == 3 + 3
    everything = create_presentation(issued.compact, [()], include_descendants=True)
    claims = _verify(everything, issuer_signer)
    assert claims["nationalities"] == ["DE", "FR", {"code": "IT", "since": 2001}]


def test_disclosing_a_nested_claim_discloses_its_parents(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt")
    presentation = create_presentation(issued.compact, [("address", "locality")])
    assert presentation.count("~") == 3
    assert _verify(presentation, issuer_signer) == {
        "iss": ISS,
        "address": {"locality": "Köln", "country": "DE"},
        "nationalities": ["FR"],
    }


def test_array_paths_and_wildcard(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt", decoys=2)
    by_index = create_presentation(issued.compact, [("nationalities", 2, "code")])
    assert _verify(by_index, issuer_signer)["nationalities"] == [
        "FR",
        {"code": "IT", "since": 2001},
    ]
    every = create_presentation(issued.compact, [("nationalities", None)])
    assert _verify(every, issuer_signer)["nationalities"] == ["DE", "FR", {"since": 2001}]


def test_include_descendants(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt")
    shallow = create_presentation(issued.compact, [("address",)])
    assert _verify(shallow, issuer_signer)["address"] == {"country": "DE"}
    deep = create_presentation(issued.compact, [("address",)], include_descendants=True)
    assert _verify(deep, issuer_signer)["address"] == {
        "street": "Heidestraße 17",
        "locality": "Köln",
        "country": "DE",
    }


def test_unknown_path_is_refused(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt")
    with pytest.raises(SelectionError):
        create_presentation(issued.compact, [("birthdate",)])
    with pytest.raises(SelectionError):
        create_presentation(issued.compact, [("nationalities", 7)])


def test_holder_refuses_an_issued_sd_jwt_with_kb(issuer_signer) -> None:
    issued = issue_sd_jwt(CLAIMS, issuer_signer, typ="dc+sd-jwt")
    with pytest.raises(MalformedError):
        create_presentation(issued.compact + "a.b.c", [])


@pytest.mark.parametrize(
    "claims",
    [{"_sd": ["x"]}, {"a": {"...": 1}}, {"a": SD(SD(1))}, {1: "x"}, {"_sd_alg": "sha-256"}],
    ids=["_sd", "ellipsis", "nested-marker", "non-string-name", "_sd_alg"],
)
def test_issuer_refuses_reserved_or_misplaced_claims(issuer_signer, claims) -> None:
    with pytest.raises(DisclosureError):
        issue_sd_jwt(claims, issuer_signer, typ="dc+sd-jwt")
