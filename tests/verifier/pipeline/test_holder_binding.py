"""Holder binding: KB-JWT nonce / aud / sd_hash / freshness, vp+jwt nonce / aud, VP
proof challenge / domain, the presenter is the subject (one negative per MUST)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from credentials.jose import sign_jwt
from tests.verifier.pipeline.world import ISSUER, NONCE, VERIFIER, World
from verifier.pipeline import VerificationPipeline, VerifyOptions

BOUND = VerifyOptions(challenge=NONCE, domain=VERIFIER)


def _failed(report: object) -> set[str]:
    return {c.code for c in report.failed}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (VerifyOptions(challenge="another-nonce", domain=VERIFIER), "wrong nonce"),
        (VerifyOptions(challenge=NONCE, domain="https://evil.example"), "wrong audience"),
    ],
    ids=["wrong-nonce", "wrong-audience"],
)
def test_sd_jwt_kb_jwt_must_match_the_request(
    world: World, pipeline: VerificationPipeline, options: VerifyOptions, reason: str
) -> None:
    report = pipeline.verify_presentation(world.sd_jwt_presentation(), options)
    assert _failed(report) == {"holder_binding"}, reason


def test_stale_kb_jwt(world: World, pipeline: VerificationPipeline) -> None:
    stale = world.sd_jwt_presentation(iat=world.now - timedelta(minutes=30))
    report = pipeline.verify_presentation(stale, BOUND)
    assert _failed(report) == {"holder_binding"}


def test_kb_jwt_from_the_future(world: World, pipeline: VerificationPipeline) -> None:
    future = world.sd_jwt_presentation(iat=world.now + timedelta(minutes=30))
    assert _failed(pipeline.verify_presentation(future, BOUND)) == {"holder_binding"}


def test_sd_hash_mismatch(world: World, pipeline: VerificationPipeline) -> None:
    presentation = world.sd_jwt_presentation()
    parts = presentation.split("~")
    without_one = "~".join([parts[0], *parts[2:]])  # drop a disclosure after the KB-JWT was made
    report = pipeline.verify_presentation(without_one, BOUND)
    assert _failed(report) == {"holder_binding"}
    assert "sd_hash" in report.failed[0].detail


def test_tampered_disclosure(world: World, pipeline: VerificationPipeline) -> None:
    presentation = world.sd_jwt_presentation()
    parts = presentation.split("~")
    salt, name, _value = json.loads(base64.urlsafe_b64decode(parts[1] + "=="))
    forged = base64.urlsafe_b64encode(json.dumps([salt, name, "Mallory"]).encode()).rstrip(b"=")
    tampered = "~".join([parts[0], forged.decode(), *parts[2:]])
    report = pipeline.verify_presentation(tampered, BOUND)
    assert "signature" in _failed(report)
    assert not report.verified


def test_presentation_without_kb_jwt(world: World, pipeline: VerificationPipeline) -> None:
    report = pipeline.verify_presentation(world.sd_jwt(), BOUND)
    assert _failed(report) == {"holder_binding"}


def test_presentation_needs_a_challenge(world: World, pipeline: VerificationPipeline) -> None:
    for value in (world.sd_jwt_presentation(), world.vp_jwt(), world.ldp_vp()):
        report = pipeline.verify_presentation(value, VerifyOptions())
        assert "holder_binding" in _failed(report)


@pytest.mark.parametrize(
    "options",
    [
        VerifyOptions(challenge="another-nonce", domain=VERIFIER),
        VerifyOptions(challenge=NONCE, domain="https://evil.example"),
    ],
    ids=["wrong-nonce", "wrong-audience"],
)
def test_vp_jwt_nonce_and_audience(
    world: World, pipeline: VerificationPipeline, options: VerifyOptions
) -> None:
    report = pipeline.verify_presentation(world.vp_jwt(), options)
    assert _failed(report) == {"holder_binding"}


@pytest.mark.parametrize(
    "options",
    [
        VerifyOptions(challenge="another-challenge", domain=VERIFIER),
        VerifyOptions(challenge=NONCE, domain="https://evil.example"),
    ],
    ids=["wrong-challenge", "wrong-domain"],
)
def test_ldp_vp_challenge_and_domain(
    world: World, pipeline: VerificationPipeline, options: VerifyOptions
) -> None:
    report = pipeline.verify_presentation(world.ldp_vp(), options)
    assert _failed(report) == {"holder_binding"}


def test_vp_jwt_presenter_must_be_the_subject(world: World, pipeline: VerificationPipeline) -> None:
    someone_else = world.vc_jwt(world.vcdm_credential(holder="did:example:someone-else"))
    report = pipeline.verify_presentation(world.vp_jwt([someone_else]), BOUND)
    assert _failed(report) == {"holder_binding"}


def test_ldp_vp_presenter_must_be_the_subject(world: World, pipeline: VerificationPipeline) -> None:
    credential = world.ldp_vc(world.vcdm_credential(holder="did:example:someone-else"))
    report = pipeline.verify_presentation(world.ldp_vp([credential]), BOUND)
    assert _failed(report) == {"holder_binding"}


def test_tampered_ldp_credential(world: World, pipeline: VerificationPipeline) -> None:
    credential = world.ldp_vc()
    credential["credentialSubject"]["siren"] = "999999999"
    assert _failed(pipeline.verify_credential(credential)) == {"signature"}


def test_vc_jwt_signed_by_another_key(world: World, pipeline: VerificationPipeline) -> None:
    header = {"alg": "ES256", "typ": "vc+jwt", "cty": "vc", "kid": f"{ISSUER}#es256"}
    forged = sign_jwt(header, world.vcdm_credential(), world.other_es)
    assert _failed(pipeline.verify_credential(forged)) == {"signature"}
