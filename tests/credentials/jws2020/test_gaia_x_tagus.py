"""JsonWebSignature2020, Gaia-X flavour, against the Gaia-X Tagus compliance fixtures.

Keys offline: the Gaia-X Lab wizard's DIDs end with the base58-btc encoding of the signer's
PEM public key (``did:web:wizard.lab.gaia-x.eu:api:credentials:<base58(PEM)>``), so the
participant and terms-and-conditions credentials can be verified without the network; the
key of the legal-registration-number credential (``did:web:registration.lab.gaia-x.eu:v1``)
is only published at that host, so that one is checked for canonicalisation and JWS shape
and reported as unresolvable.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from credentials import jws2020
from credentials import multiformats as mf
from credentials.data_integrity import AssertionMethodPurpose, StaticResolver
from credentials.jsonld import ContextRegistry
from credentials.keys import public_jwk
from credentials.result import VerificationResult

pytestmark = pytest.mark.shared

TRUSTFRAMEWORK = (
    "https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/"
    "trustframework#"
)
NOW = datetime(2023, 10, 1, tzinfo=UTC)
GAIA_X_HEADER = "eyJhbGciOiJQUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19"


def _registry(shared: Path) -> ContextRegistry:
    raw = (shared / "gaia-x" / "tagus" / "trustframework_context.json").read_bytes()
    return ContextRegistry.standard().with_documents({TRUSTFRAMEWORK: raw})


def _fixture(shared: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (shared / "gaia-x" / "tagus" / "fixtures" / name).read_text("utf-8")
    )
    return data


def wizard_controller(method_id: str) -> dict[str, Any]:
    """The controller document a Gaia-X wizard DID implies (key = base58 of its PEM)."""
    did = method_id.split("#", 1)[0]
    pem = mf.b58decode(did.rsplit(":", 1)[1])
    key = serialization.load_pem_public_key(pem)
    method = {
        "id": method_id,
        "type": "JsonWebKey2020",
        "controller": did,
        "publicKeyJwk": {**public_jwk(key), "alg": "PS256"},  # type: ignore[arg-type]
    }
    return {"id": did, "verificationMethod": [method], "assertionMethod": [method_id]}


def _resolver(vp: dict[str, Any]) -> StaticResolver:
    methods = {
        vc["proof"]["verificationMethod"] for vc in vp["verifiableCredential"] if "proof" in vc
    }
    return StaticResolver([wizard_controller(m) for m in methods if "wizard.lab.gaia-x.eu" in m])


def _verify(vc: dict[str, Any], vp: dict[str, Any], shared: Path) -> VerificationResult:
    return jws2020.verify(
        vc,
        purpose=AssertionMethodPurpose(),
        resolver=_resolver(vp),
        registry=_registry(shared),
        now=NOW,
    )


WIZARD_SIGNED = [
    pytest.param("participant-vp.json", 1, id="participant-vp-legal-participant"),
    pytest.param("participant-vp.json", 2, id="participant-vp-terms-and-conditions"),
    pytest.param("terms-and-conditions-vp.json", 0, id="terms-and-conditions-vp"),
]


@pytest.mark.parametrize(("name", "index"), WIZARD_SIGNED)
def test_wizard_signed_credential_verifies_in_gaia_x_flavour(
    name: str, index: int, shared: Path
) -> None:
    vp = _fixture(shared, name)
    result = _verify(vp["verifiableCredential"][index], vp, shared)
    assert result.verified, result.to_json()
    assert result.extra["flavour"] == "gaia-x"


@pytest.mark.parametrize(("name", "index"), WIZARD_SIGNED)
def test_tampered_wizard_credential_fails(name: str, index: int, shared: Path) -> None:
    vp = _fixture(shared, name)
    vc = copy.deepcopy(vp["verifiableCredential"][index])
    vc["issuanceDate"] = "2023-07-12T09:00:00.000Z"
    assert [c.code for c in _verify(vc, vp, shared).failed] == ["proof_verification"]


def test_registration_number_credential_shape_and_unresolvable_key(shared: Path) -> None:
    vp = _fixture(shared, "participant-vp.json")
    vc = vp["verifiableCredential"][0]
    header, _, signature = vc["proof"]["jws"].partition("..")
    assert header == GAIA_X_HEADER
    assert len(mf.b64url_decode(signature)) == 256
    unsecured = {k: v for k, v in vc.items() if k != "proof"}
    payload = jws2020.gaia_x_payload(unsecured, _registry(shared))
    assert len(payload) == 64
    assert payload == jws2020.gaia_x_payload(copy.deepcopy(unsecured), _registry(shared))
    assert [c.code for c in _verify(vc, vp, shared).failed] == ["verification_method"]


def test_faulty_presentation_fails(shared: Path) -> None:
    vp = _fixture(shared, "participant-vp-faulty.json")
    results = [_verify(vc, vp, shared) for vc in vp["verifiableCredential"]]
    assert not any(result.verified for result in results)


def test_presentation_with_a_missing_proof_fails(shared: Path) -> None:
    vp = _fixture(shared, "participant-vp-faulty-missing-proof.json")
    first = _verify(vp["verifiableCredential"][0], vp, shared)
    assert [c.code for c in first.failed] == ["malformed_proof"]


def test_trustframework_context_is_required(shared: Path) -> None:
    vp = _fixture(shared, "participant-vp.json")
    result = jws2020.verify(
        vp["verifiableCredential"][1],
        purpose=AssertionMethodPurpose(),
        resolver=_resolver(vp),
        registry=ContextRegistry.standard(),
        now=NOW,
    )
    assert [c.code for c in result.failed] == ["unknown_context"]
