"""Issuer key paths beyond DIDs, the OpenID4VP adapter, API keys and policy files."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from credentials.keys import SoftwareSigner
from credentials.sd_jwt import SD
from credentials.sd_jwt_vc import StatusListReference, build_payload, issue_sd_jwt_vc
from credentials.status_list.token import new_status_list, sign_status_list_token
from tests.verifier.pipeline.world import MANDATE_CLAIMS, NONCE, VCT_MANDATE, VERIFIER, World
from verifier.oid4vp.pipeline_verifier import PipelinePresentationVerifier
from verifier.oid4vp.presentation import TokenPresentation
from verifier.pipeline import VerificationPipeline, VerifyOptions
from verifier.policies import PolicyError, load_policies, parse_policy
from verifier.services import ApiKeyError, ApiKeys, load_api_keys

WEB_ISSUER = "https://issuer.example"
WEB_LIST = "https://issuer.example/status/web"


def _metadata_world(world: World) -> tuple[SoftwareSigner, str]:
    signer = SoftwareSigner(ec.generate_private_key(ec.SECP256R1()), "key-1")
    jwk = {**signer.public_jwk(), "kid": "key-1"}
    world.fetcher.serve(
        "https://issuer.example/.well-known/jwt-vc-issuer",
        {"issuer": WEB_ISSUER, "jwks": {"keys": [jwk]}},
        "application/json",
    )
    statuses = new_status_list(64)
    statuses.set(3, 1)
    world.fetcher.serve(
        WEB_LIST,
        sign_status_list_token(statuses, signer, uri=WEB_LIST, iat=int(world.now.timestamp())),
        "application/statuslist+jwt",
    )
    world.trust.grants[WEB_ISSUER] = {
        VCT_MANDATE: [(world.now - timedelta(days=9), None, "granted")]
    }
    return signer, jwk["kid"]


def _web_sd_jwt(world: World, signer: SoftwareSigner, idx: int) -> str:
    payload = build_payload(
        vct=VCT_MANDATE,
        iss=WEB_ISSUER,
        iat=int((world.now - timedelta(hours=1)).timestamp()),
        claims={k: SD(v) for k, v in MANDATE_CLAIMS.items()},
        holder_jwk=world.holder.public_jwk(),
        status=StatusListReference(idx, WEB_LIST),
    )
    return issue_sd_jwt_vc(payload, signer).compact


def test_jwt_vc_issuer_metadata_path(world: World, pipeline: VerificationPipeline) -> None:
    signer, _ = _metadata_world(world)
    report = pipeline.verify_credential(_web_sd_jwt(world, signer, 1))
    assert report.verified, report.problems
    revoked = pipeline.verify_credential(_web_sd_jwt(world, signer, 3))
    assert {c.code for c in revoked.failed} == {"status"}


def test_metadata_path_can_be_disabled(world: World) -> None:
    signer, _ = _metadata_world(world)
    pipeline = world.pipeline(issuer_metadata=False)
    report = pipeline.verify_credential(_web_sd_jwt(world, signer, 1))
    assert {c.code for c in report.failed} == {"signature"}


def test_x5c_is_refused_without_anchors(world: World, pipeline: VerificationPipeline) -> None:
    payload = build_payload(
        vct=VCT_MANDATE, iss=WEB_ISSUER, iat=int(world.now.timestamp()), claims={}
    )
    token = issue_sd_jwt_vc(payload, world.issuer_es, header={"x5c": ["AAAA"]}, include_kid=False)
    report = pipeline.verify_credential(token.compact)
    assert {c.code for c in report.failed} == {"signature"}
    assert "x5c" in report.failed[0].detail


def test_oid4vp_adapter_runs_the_pipeline(world: World, pipeline: VerificationPipeline) -> None:
    adapter = PipelinePresentationVerifier(pipeline)
    outcome = adapter.verify(
        world.sd_jwt_presentation(),
        format="dc+sd-jwt",
        nonce=NONCE,
        audience=VERIFIER,
        require_holder_binding=True,
        now=world.now.timestamp(),
    )
    assert outcome.verified
    assert outcome.credentials[0].vct == VCT_MANDATE
    assert outcome.credentials[0].claims["siren"] == "552100554"
    vp = adapter.verify(
        world.vp_jwt(),
        format="jwt_vc_json",
        nonce=NONCE,
        audience=VERIFIER,
        require_holder_binding=True,
        now=world.now.timestamp(),
    )
    assert vp.verified
    assert vp.credentials[0].claims["credentialSubject"]["siren"] == "552100554"
    wrong = adapter.verify(
        world.sd_jwt_presentation(),
        format="dc+sd-jwt",
        nonce="other",
        audience=VERIFIER,
        require_holder_binding=True,
        now=world.now.timestamp(),
    )
    assert not wrong.verified
    assert wrong.credentials == []
    unknown = adapter.verify(
        "x",
        format="mso_mdoc",
        nonce=NONCE,
        audience=VERIFIER,
        require_holder_binding=True,
        now=world.now.timestamp(),
    )
    assert not unknown.verified


def _tagus_item(presentation: object) -> TokenPresentation:
    return TokenPresentation("legal_person_ldp", "ldp_vc", presentation, False)


def test_oid4vp_adapter_applies_a_policy_across_the_token(
    world: World, pipeline: VerificationPipeline
) -> None:
    """gaia-x-participant's required set: legal person, registration number, T&C."""
    adapter = PipelinePresentationVerifier(pipeline)
    now = world.now.timestamp()
    complete = adapter.verify_token(
        [_tagus_item(world.gaia_x_vp())],
        policy="gaia-x-participant",
        nonce=NONCE,
        audience=VERIFIER,
        now=now,
    )
    assert complete.verified, [c for c in complete.checks if not c.passed]
    assert {c.code for c in complete.checks} == {"policy"}
    assert len(complete.presentations[0].credentials) == 3

    without_terms = world.gaia_x_vp()
    del without_terms["verifiableCredential"][2]
    partial = adapter.verify_token(
        [_tagus_item(without_terms)],
        policy="gaia-x-participant",
        nonce=NONCE,
        audience=VERIFIER,
        now=now,
    )
    assert partial.presentations[0].verified
    assert not partial.verified
    failed = [c for c in partial.checks if not c.passed]
    assert [c.code for c in failed] == ["policy"]
    assert "terms_and_conditions" in failed[0].detail


def test_oid4vp_adapter_token_splits_results_per_presentation(
    world: World, pipeline: VerificationPipeline
) -> None:
    adapter = PipelinePresentationVerifier(pipeline)
    items = [
        TokenPresentation("mandate_sd_jwt", "dc+sd-jwt", world.sd_jwt_presentation(), True),
        TokenPresentation("mandate_jwt", "jwt_vc_json", world.vp_jwt(nonce="other"), True),
        TokenPresentation("broken", "jwt_vc_json", "not a token", True),
        TokenPresentation("mdoc", "mso_mdoc", "x", True),
    ]
    outcome = adapter.verify_token(
        items,
        policy="company-representative",
        nonce=NONCE,
        audience=VERIFIER,
        now=world.now.timestamp(),
    )
    first, second, third, fourth = outcome.presentations
    assert first.verified
    assert first.credentials[0].claims["siren"] == "552100554"
    assert not second.verified
    assert {c.code for c in second.checks if not c.passed} == {"holder_binding"}
    assert second.credentials == []
    assert [c.code for c in third.checks] == ["malformed"]
    assert [c.code for c in fourth.checks] == ["malformed"]
    assert not outcome.verified
    assert all(c.passed for c in outcome.checks)


def test_api_keys(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"secret").hexdigest()
    keys = ApiKeys(load_api_keys({"a": digest.upper()}))
    assert keys.connector("secret") == "a"
    assert keys.connector("other") is None
    file = tmp_path / "keys.json"
    file.write_text(json.dumps({"b": digest}))
    assert set(load_api_keys({}, file)) == {"b"}
    with pytest.raises(ApiKeyError):
        load_api_keys({"a": "not-a-digest"})
    file.write_text("[]")
    with pytest.raises(ApiKeyError):
        load_api_keys({}, file)
    with pytest.raises(ApiKeyError):
        load_api_keys({}, tmp_path / "missing.json")


@pytest.mark.parametrize(
    "change",
    [
        {"id": "other-name"},
        {"credentials": []},
        {"formats": ["mso_mdoc"]},
        {"unknown_field": True},
        {"status_unreachable": "maybe"},
        {"credentials": [{"id": "x"}]},
        {
            "credentials": [
                {
                    "id": "x",
                    "types": ["T"],
                    "minimum_assurance": {"claim": ["a"], "minimum": "eidas9"},
                }
            ]
        },
    ],
    ids=[
        "id-not-file-name",
        "no-credentials",
        "bad-format",
        "unknown-field",
        "bad-status-rule",
        "requirement-without-type",
        "unknown-assurance",
    ],
)
def test_invalid_policy_files_are_refused(tmp_path: Path, change: dict[str, object]) -> None:
    source = Path(__file__).parents[3] / "verifier/policies/definitions/public-agent.json"
    document = {**json.loads(source.read_text()), **change}
    with pytest.raises(PolicyError, match=r"public-agent\.json"):
        parse_policy(json.dumps(document), source="public-agent.json", base_url="https://x")


def test_policies_load_from_a_directory(tmp_path: Path) -> None:
    source = Path(__file__).parents[3] / "verifier/policies/definitions/public-agent.json"
    (tmp_path / "public-agent.json").write_bytes(source.read_bytes())
    policies = load_policies(base_url="https://x.example/", directory=tmp_path)
    assert policies.require("public-agent").credentials[0].vct == [
        "https://x.example/issuer/vct/public_agent"
    ]
    with pytest.raises(PolicyError):
        policies.require("company-representative")


def test_check_trust_can_be_turned_off_per_call(
    world: World, pipeline: VerificationPipeline
) -> None:
    del world.trust.grants["did:web:issuer.example"]
    assert pipeline.verify_credential(world.vc_jwt(), VerifyOptions(check_trust=False)).verified
