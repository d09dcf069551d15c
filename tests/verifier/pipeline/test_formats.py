"""Every format verifies through the one pipeline; detection reads only the shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from credentials.errors import MalformedError
from credentials.vcdm import envelope_credential
from tests.verifier.pipeline.world import NONCE, VERIFIER, World
from verifier.pipeline import VerificationPipeline, VerifyOptions, detect_format

BOUND = VerifyOptions(challenge=NONCE, domain=VERIFIER)


def _inputs(world: World) -> dict[str, tuple[Any, VerifyOptions, str]]:
    return {
        "sd-jwt-vc credential": (world.sd_jwt(), VerifyOptions(), "credential"),
        "sd-jwt-vc presentation": (world.sd_jwt_presentation(), BOUND, "presentation"),
        "vc+jwt": (world.vc_jwt(), VerifyOptions(), "credential"),
        "vp+jwt": (world.vp_jwt(), BOUND, "presentation"),
        "ldp_vc eddsa-rdfc-2022": (world.ldp_vc(), VerifyOptions(), "credential"),
        "ldp_vp eddsa-rdfc-2022": (world.ldp_vp(), BOUND, "presentation"),
        "gaia-x jws2020 vp": (
            world.gaia_x_vp(),
            VerifyOptions(policy="gaia-x-participant"),
            "presentation",
        ),
    }


CASES = list(_inputs(World()).keys())


@pytest.mark.parametrize("case", CASES)
def test_every_format_verifies(world: World, pipeline: VerificationPipeline, case: str) -> None:
    value, options, kind = _inputs(world)[case]
    report = pipeline.verify(value, options)
    assert report.verified, report.problems
    assert report.kind == kind
    codes = {c.code for c in report.checks}
    assert {"signature", "trust", "status"} <= codes
    assert all(c.issuer == "did:web:issuer.example" for c in report.credentials)
    assert report.credentials[0].claims


@pytest.mark.parametrize("case", ["vc+jwt", "ldp_vc eddsa-rdfc-2022"])
def test_json_text_and_objects_are_the_same_input(
    world: World, pipeline: VerificationPipeline, case: str
) -> None:
    value, options, _ = _inputs(world)[case]
    text = value if isinstance(value, str) else json.dumps(value)
    assert pipeline.verify(text, options).verified


def test_enveloped_credential_is_unwrapped(world: World, pipeline: VerificationPipeline) -> None:
    enveloped = envelope_credential(world.vc_jwt())
    assert detect_format(enveloped).format == "vc+jwt"
    assert pipeline.verify_credential(enveloped).verified


def test_disclosed_claims_are_reported(world: World, pipeline: VerificationPipeline) -> None:
    presentation = world.sd_jwt_presentation(disclose=("given_name",))
    report = pipeline.verify_presentation(presentation, BOUND)
    assert report.verified
    claims = report.credentials[0].claims
    assert claims["given_name"] == "Marie"
    assert "family_name" not in claims
    assert claims["siren"] == "552100554"  # always disclosed
    assert "cnf" not in claims


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("eyJhbGciOiJFUzI1NiJ9.e30.sig~", "dc+sd-jwt"),
        ('{"type": ["VerifiablePresentation"]}', "ldp_vp"),
        ({"type": "VerifiableCredential"}, "ldp_vc"),
    ],
    ids=["tilde-is-sd-jwt", "vp-object-text", "vc-object"],
)
def test_detect_format(value: object, expected: str) -> None:
    assert detect_format(value).format == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not a credential",
        "{not json",
        "eyJ0eXAiOiJKV1QifQ.e30.x",
        "%%%.e30.x",
        "eyJ0eXAiOiJkYytzZC1qd3QifQ.e30.x",
        42,
        ["a"],
        "x" * (1024 * 1024 + 1),
    ],
    ids=[
        "empty",
        "text",
        "broken-json",
        "jwt-typ",
        "bad-header",
        "sd-jwt-typ-without-tilde",
        "number",
        "array",
        "oversized",
    ],
)
def test_malformed_input_is_a_failed_check_not_an_exception(
    pipeline: VerificationPipeline, value: object
) -> None:
    with pytest.raises(MalformedError):
        detect_format(value)
    report = pipeline.verify(value)
    assert not report.verified
    assert [c.code for c in report.failed] == ["malformed"]


def test_declared_format_must_match(world: World, pipeline: VerificationPipeline) -> None:
    report = pipeline.verify(world.vc_jwt(), VerifyOptions(format="ldp_vc"))
    assert [c.code for c in report.failed] == ["malformed"]


def test_presentation_endpoint_refuses_a_bare_credential(
    world: World, pipeline: VerificationPipeline
) -> None:
    report = pipeline.verify_presentation(world.vc_jwt(), BOUND)
    assert [c.code for c in report.failed] == ["malformed"]
    report = pipeline.verify_credential(world.vp_jwt(), BOUND)
    assert [c.code for c in report.failed] == ["malformed"]


def test_report_json_shape(world: World, pipeline: VerificationPipeline) -> None:
    document = pipeline.verify(world.vc_jwt()).to_json()
    assert document["verified"] is True
    assert document["issuer"] == "did:web:issuer.example"
    assert document["trust"] == {"did": "did:web:issuer.example", "name": "Issuer"}
    assert document["problems"] == []
    assert {"code", "passed", "detail", "target"} == set(document["checks"][0])
    json.dumps(document)
